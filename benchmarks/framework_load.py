"""How fast a framework file loads and validates, by size.

The bundled frameworks hold 8-43 criteria; a ministry's own may hold hundreds. This writes
synthetic frameworks of growing size (every criterion with guidance in two languages, an
indicator and a crosswalk) and prints the time to read, validate and check each, per criterion.

    python benchmarks/framework_load.py
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from readiness.frameworks import loader


def synthetic(n_areas: int, per_area: int) -> str:
    lines = [
        "format: 1", "id: synthetic", "name: {en: Synthetic, vi: Tổng hợp}", 'version: "1"',
        "sources: [{title: benchmark}]", "languages: [en, vi]", "threshold: 0.7",
        "verdict:", "  - {verdict: not_ready, when: {blocking_unmet: true}}", "  - {verdict: ready_with_gaps}",
        "areas:",
    ]
    for a in range(n_areas):
        lines += [f"  - id: A{a}", f"    title: {{en: Area {a}, vi: Lĩnh vực {a}}}", "    criteria:"]
        for c in range(per_area):
            lines += [
                f"      - id: A{a}.{c}",
                f"        title: {{en: Criterion {a}.{c}, vi: Tiêu chí {a}.{c}}}",
                "        guidance: {en: A plan adopted by the city government.,"
                " vi: Kế hoạch được chính quyền ban hành.}",
                "        evidence: {kinds: [plan, event], min_count: 1, max_age_years: 3}",
                f"        indicators: [{{id: i{a}-{c}, title: {{en: Indicator, vi: Chỉ số}}, unit: '%', target: 50}}]",
                '        maps_to: ["kflc:2.6.1"]',
            ]
    return "\n".join(lines) + "\n"


def main() -> None:
    folder = Path(tempfile.mkdtemp())
    start = time.perf_counter()
    loader.load_catalogue()
    print(f"{'4 bundled frameworks (70 criteria)':<40} {(time.perf_counter() - start) * 1000:8.1f} ms")
    for n_areas, per_area in ((10, 10), (20, 50), (50, 100)):
        path = folder / f"s{n_areas * per_area}.yaml"
        path.write_text(synthetic(n_areas, per_area), encoding="utf-8")
        start = time.perf_counter()
        check = loader.validate_frameworks([path])
        frameworks, problems = check.frameworks, check.problems
        elapsed = time.perf_counter() - start
        assert not problems and frameworks, problems[:3]
        n = n_areas * per_area
        size = path.stat().st_size / 1024
        print(f"{n:>6} criteria ({size:7.0f} KiB) validated  {elapsed * 1000:8.1f} ms  "
              f"{elapsed / n * 1e6:6.1f} µs per criterion")


if __name__ == "__main__":
    main()
