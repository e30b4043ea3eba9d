"""Hostile and careless input: every reader bounded in time, memory and output (issue 13).

Each hostile file is made here, small on disk; where the real limit would make a test slow,
the test lowers it through the environment (READINESS_PARSE_TIMEOUT, READINESS_PARSE_MEMORY).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

# ---------------------------------------------------------------------------------------------
# suggest: one pass over the text


def test_suggest_reads_a_long_text_in_one_pass(monkeypatch) -> None:
    """Kind and criteria for an 800 KB text come from one pass over it, not one search per phrase."""
    from readiness.frameworks.loader import load_catalogue
    from readiness.intake.draft import draft_from_text

    catalogue = load_catalogue()
    frameworks = [catalogue.get("kflc"), catalogue.get("guidelines")]
    text = ("Tuần lễ hưởng ứng học tập suốt đời được tổ chức tại 30 quận huyện với nhiều lớp học miễn phí. "
            "The forum on lifelong learning gathered delegates from the People's Committee. ") * 4700
    assert len(text) > 800_000
    import re

    from readiness.intake import suggest

    searches = 0
    real_search = re.search

    def counting_search(*args, **kwargs):  # type: ignore[no-untyped-def]
        nonlocal searches
        searches += 1
        return real_search(*args, **kwargs)

    monkeypatch.setattr(suggest.re, "search", counting_search)
    draft = draft_from_text(text, frameworks)  # its speed: benchmarks/intake.py and benchmarks/hostile.py
    assert draft.suggestions["kflc"] and draft.kind.kind is not None
    assert searches < 100, f"{searches} whole-text searches (the old way ran one per phrase, ~7,800)"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["hoc", "tap", "learning", "e-learning", "people's", "committee", "67%", "%",
                                 "week", "lifelong", "x", "hoc-tap", "’s"]), max_size=12),
       st.lists(st.sampled_from(["hoc tap", "learning", "people's committee", "lifelong learning week", "s",
                                 "tap", "67", "%", "learning week", "hoc", "e"]), min_size=1, max_size=5))
def test_phrase_index_finds_what_a_word_bounded_search_finds(words: list[str], phrases: list[str]) -> None:
    """The one-pass phrase index finds exactly the phrases a \\b-bounded regex search finds."""
    from readiness.intake.suggest import _contains, _Phrases

    text = " ".join(words)
    assert _Phrases(phrases).found(text) == {p for p in phrases if _contains(text, p)}


# ---------------------------------------------------------------------------------------------
# The bounded reader itself


@pytest.fixture
def city(run):
    """A workspace with the city Hanoi and nothing else."""
    result = run("city", "add", "Hanoi", "--country", "VN")
    assert result.exit_code == 0, result.stderr
    return run


def _crash() -> None:
    import os
    import signal

    os.kill(os.getpid(), signal.SIGSEGV)


def _one_error_line(result, *parts: str) -> None:
    assert result.exit_code == 1, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in result.stderr, result.stderr
    for part in parts:
        assert part in lines[0], lines[0]


def _zeros_yaml(items: int) -> bytes:
    return b"[" + b"0," * items + b"0]\n"


def _xlsx(sheet_xml: str, shared: str | None = None) -> bytes:
    import io
    import zipfile

    ct = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/>'
                   f'<Override PartName="/xl/workbook.xml" ContentType="{ct}.sheet.main+xml"/>'
                   f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{ct}.worksheet+xml"/>'
                   + (f'<Override PartName="/xl/sharedStrings.xml" ContentType="{ct}.sharedStrings+xml"/>'
                      if shared else "")
                   + "</Types>")
        z.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
                   f'2006/relationships"><Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/>'
                   "</Relationships>")
        z.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/'
                   f'spreadsheetml/2006/main" xmlns:r="{rel}"><sheets><sheet name="S" sheetId="1" r:id="rId1"/>'
                   "</sheets></workbook>")
        z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.'
                   f'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{rel}/worksheet" '
                   'Target="worksheets/sheet1.xml"/>'
                   + (f'<Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/>'
                      if shared else "")
                   + "</Relationships>")
        z.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        if shared:
            z.writestr("xl/sharedStrings.xml", shared)
    return buf.getvalue()


_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_HEADER_ROW = ('<row r="1"><c r="A1" t="inlineStr"><is><t>kind</t></is></c>'
               '<c r="B1" t="inlineStr"><is><t>title</t></is></c></row>')


def test_a_reader_past_its_time_is_stopped_with_one_error(monkeypatch, tmp_path: Path) -> None:
    """A reader that runs past READINESS_PARSE_TIMEOUT is killed; the error names the file and the limit."""
    from readiness.bounded import run
    from readiness.errors import UntrustedInputError

    monkeypatch.setenv("READINESS_PARSE_TIMEOUT", "0.5")
    with pytest.raises(UntrustedInputError,
                       match=r"slow\.txt: reading it took longer than 0\.5 s.*READINESS_PARSE_TIMEOUT"):
        run(time.sleep, 30, file=tmp_path / "slow.txt")


def test_a_reader_past_its_memory_gets_one_error(monkeypatch, tmp_path: Path) -> None:
    """A reader that allocates past READINESS_PARSE_MEMORY gets MemoryError in the child: one error naming the limit."""
    from readiness.bounded import run
    from readiness.errors import UntrustedInputError

    monkeypatch.setenv("READINESS_PARSE_MEMORY", "50MB")
    with pytest.raises(UntrustedInputError, match=r"big\.bin: reading it needs more than 50\.0 MB of memory"):
        run(bytearray, 400 * 1000 * 1000, file=tmp_path / "big.bin")


def test_a_result_over_the_output_cap_is_refused(monkeypatch, tmp_path: Path) -> None:
    """A reader whose result is larger than READINESS_PARSE_OUTPUT is refused, not sent whole."""
    from readiness.bounded import run
    from readiness.errors import UntrustedInputError

    monkeypatch.setenv("READINESS_PARSE_OUTPUT", "1MB")
    with pytest.raises(UntrustedInputError, match=r"out\.txt: reading it gives 2\.0 MB, over the limit of 1\.0 MB"):
        run(bytes, 2_000_000, file=tmp_path / "out.txt")


def test_a_crashing_reader_and_a_failing_one_are_one_error(tmp_path: Path) -> None:
    """A reader killed by a signal, or raising what it did not expect, is one error naming the file."""
    from readiness.bounded import run
    from readiness.errors import UntrustedInputError

    with pytest.raises(UntrustedInputError, match=r"x\.pdf: the reader stopped \(SIGSEGV\)"):
        run(_crash, file=tmp_path / "x.pdf")
    with pytest.raises(UntrustedInputError, match=r"y\.pdf: cannot be read \(ZeroDivisionError"):
        run(divmod, 1, 0, file=tmp_path / "y.pdf")


def test_user_errors_of_a_reader_come_back_as_they_are(tmp_path: Path) -> None:
    """A ProblemsError raised in the child keeps every problem (file, line, field)."""
    from readiness.bounded import run
    from readiness.errors import ProblemsError
    from readiness.transfer.readers import _read_yaml_document

    with pytest.raises(ProblemsError) as caught:
        run(_read_yaml_document, b"a: [1,\n", "bad.yaml", file="bad.yaml")
    assert caught.value.problems[0].file == "bad.yaml" and caught.value.problems[0].line >= 1


@pytest.mark.slow
def test_readers_work_through_a_forkserver_too(monkeypatch, tmp_path: Path) -> None:
    """With several threads (a web server) the child comes from a forkserver; results and errors still come back."""
    from readiness.intake.documents import read_document

    monkeypatch.setenv("READINESS_PARSE_START", "forkserver")
    (tmp_path / "a.txt").write_text("Hội thảo học tập 2025\nhttps://example.org/a\n", encoding="utf-8")
    doc = read_document(tmp_path / "a.txt")
    assert doc.text.startswith("Hội thảo") and doc.url == "https://example.org/a"


# ---------------------------------------------------------------------------------------------
# Decompression and parse bombs


def test_a_yaml_list_of_zeros_is_refused_within_the_memory_limit(city, monkeypatch, state, tmp_path: Path) -> None:
    """An import YAML that parses to millions of nodes stops at READINESS_PARSE_MEMORY: one error, nothing changed."""
    path = tmp_path / "zeros.yaml"
    path.write_bytes(_zeros_yaml(1_500_000))  # 3 MB: about 550 MB to parse
    monkeypatch.setenv("READINESS_PARSE_MEMORY", "150MB")
    before = state()
    result = city("import", str(path), "--city", "Hanoi")
    _one_error_line(result, str(path), "memory", "READINESS_PARSE_MEMORY")
    assert state() == before


def test_an_export_zip_whose_yaml_is_a_bomb_is_refused(city, monkeypatch, state, tmp_path: Path) -> None:
    """A 30 KB zip whose evidence.yaml inflates to millions of nodes: one error naming the member, nothing changed."""
    import zipfile

    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("evidence.yaml", _zeros_yaml(1_500_000))
    assert path.stat().st_size < 100_000
    monkeypatch.setenv("READINESS_PARSE_MEMORY", "150MB")
    before = state()
    result = city("import", str(path))
    _one_error_line(result, f"{path}:evidence.yaml", "memory")
    assert state() == before


def test_a_zip_member_is_capped_on_what_it_inflates_to(tmp_path: Path) -> None:
    """read_member counts inflated bytes, whatever the header declares."""
    import zipfile

    from readiness.bounded import read_member
    from readiness.errors import InvalidValueError

    path = tmp_path / "a.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("m", b"\0" * 3_000_000)
    with zipfile.ZipFile(path) as z:
        assert len(read_member(z, "m", 3_000_000, "a.zip:m")) == 3_000_000
        with pytest.raises(InvalidValueError, match="a.zip:m: inflates to more than 2.0 MB"):
            read_member(z, "m", 2_000_000, "a.zip:m")


def test_a_framework_bomb_in_the_workspace_is_one_problem(run, settings, monkeypatch) -> None:
    """A workspace framework file that parses to millions of nodes is a FILE: problem within the memory limit."""
    settings.criteria_dir.mkdir(parents=True, exist_ok=True)
    bomb = settings.criteria_dir / "zeros.yaml"
    bomb.write_bytes(_zeros_yaml(1_500_000))
    monkeypatch.setenv("READINESS_PARSE_MEMORY", "150MB")
    result = run("criteria", "list")
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[0].startswith(
        f"{bomb}: reading it needs more than 150.0 MB"), result.stderr


def test_a_docx_is_streamed_and_capped(city, monkeypatch, tmp_path: Path) -> None:
    """A DOCX whose document.xml inflates to 60 MB of paragraphs is read in flat memory, its text cut at the cap."""
    import zipfile

    from readiness.intake.documents import MAX_CHARS, read_document

    path = tmp_path / "big.docx"
    paragraph = b"<w:p><w:r><w:t>Tu\xe1\xba\xa7n l\xe1\xbb\x85 h\xe1\xbb\x8dc t\xe1\xba\xadp 2025</w:t></w:r></w:p>"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("word/document.xml", "w") as out:
            out.write(b'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
                      b'wordprocessingml/2006/main"><w:body>')
            for _ in range(60):
                out.write(paragraph * 20_000)
            out.write(b"</w:body></w:document>")
    assert path.stat().st_size < 1_000_000
    monkeypatch.setenv("READINESS_PARSE_MEMORY", "100MB")  # ElementTree would need about 1 GB for it whole
    doc = read_document(path)
    assert doc.text.startswith("Tuần lễ học tập 2025") and len(doc.text) <= MAX_CHARS


def test_an_xlsx_with_one_huge_shared_string_is_refused(city, monkeypatch, state, tmp_path: Path) -> None:
    """A small XLSX holding one 150 MB shared string stops at the memory limit: one error, nothing changed."""
    import zipfile

    path = tmp_path / "big.xlsx"
    path.write_bytes(_xlsx(f'<?xml version="1.0"?><worksheet {_NS}><sheetData>{_HEADER_ROW}<row r="2">'
                           '<c r="A2" t="inlineStr"><is><t>event</t></is></c><c r="B2" t="s"><v>0</v></c></row>'
                           '</sheetData></worksheet>', shared="PLACEHOLDER"))
    big = tmp_path / "big2.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(big, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            if item.filename != "xl/sharedStrings.xml":
                out.writestr(item, src.read(item))
        with out.open("xl/sharedStrings.xml", "w") as member:
            member.write(f'<?xml version="1.0"?><sst {_NS} count="1" uniqueCount="1"><si><t>'.encode())
            for _ in range(150):
                member.write(b"A" * 1_000_000)
            member.write(b"</t></si></sst>")
    assert big.stat().st_size < 1_000_000
    monkeypatch.setenv("READINESS_PARSE_MEMORY", "200MB")
    before = state()
    result = city("import", str(big), "--city", "Hanoi")
    _one_error_line(result, str(big), "READINESS_PARSE_")
    assert state() == before


# ---------------------------------------------------------------------------------------------
# CPU hangs


def test_an_xlsx_claiming_the_whole_sheet_reads_only_its_rows(city, tmp_path: Path) -> None:
    """A 2 KB XLSX whose dimension says A1:XFD1048576 imports its one row at once, no padded cells or rows."""
    path = tmp_path / "claims.xlsx"
    path.write_bytes(_xlsx(f'<?xml version="1.0"?><worksheet {_NS}><dimension ref="A1:XFD1048576"/><sheetData>'
                           f'{_HEADER_ROW}<row r="2"><c r="A2" t="inlineStr"><is><t>event</t></is></c>'
                           '<c r="B2" t="inlineStr"><is><t>Tuần lễ 2025</t></is></c></row></sheetData></worksheet>'))
    result = city("import", str(path), "--city", "Hanoi", "--dry-run")  # bounded: a hang would be an error
    assert result.exit_code == 0, result.stderr


def test_html_with_many_unclosed_tags_reads_in_linear_time(monkeypatch, tmp_path: Path) -> None:
    """100,000 unclosed tags read within the reader's time limit (no scan of the open-tag stack per piece of text)."""
    from readiness.bounded import run
    from readiness.intake.documents import read_document

    monkeypatch.setenv("READINESS_PARSE_TIMEOUT", "20")  # a quadratic reader ran past 60 s; it would fail here

    path = tmp_path / "tags.html"
    path.write_text("<!DOCTYPE html><html><body><h1>Tuần lễ học tập</h1>" + "<div>x" * 100_000 + "</body></html>",
                    encoding="utf-8")
    doc = run(read_document, path, file=path)
    assert doc.title == "Tuần lễ học tập" and doc.text.count("x") >= 99_000


def _pdf_shared_stream(pages: int, stream: bytes, title: str = "Report") -> bytes:
    import zlib

    data = zlib.compress(stream, 9)
    kids = " ".join(f"{4 + i} 0 R" for i in range(pages))
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".encode(),
        f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode(),
        f"<< /Length {len(data)} /Filter /FlateDecode >>\nstream\n".encode() + data + b"\nendstream",
    ]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R "
                b"/Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>"] * pages
    objects.append(b"<< /Title (" + title.encode("latin-1") + b") >>")
    out = b"%PDF-1.4\n"
    offsets = []
    for i, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info {len(objects)} 0 R >>\nstartxref\n{xref}\n"
            "%%EOF\n").encode()
    return out


def test_a_pdf_content_stream_shared_by_many_pages_is_read_once(monkeypatch, tmp_path: Path) -> None:
    """2,000 pages sharing one 200 KB content stream: its text is read once, within the reader's time limit."""
    from readiness.bounded import run
    from readiness.intake.documents import read_document

    monkeypatch.setenv("READINESS_PARSE_TIMEOUT", "20")  # reading it per page ran 46 s; it would fail here

    path = tmp_path / "shared.pdf"
    path.write_bytes(_pdf_shared_stream(2000, b"BT /F1 12 Tf 72 720 Td (Learning week) Tj ET\n" * 4_000))
    doc = run(read_document, path, file=path)
    assert doc.text.startswith("Learning week")


def test_a_pdf_title_of_megabytes_is_cut(hanoi_ws, tmp_path: Path) -> None:
    """A 5 MB PDF title is cut to MAX_TITLE characters and the draft comes at once."""
    from readiness.intake.documents import MAX_TITLE

    path = tmp_path / "title.pdf"
    path.write_bytes(_pdf_shared_stream(1, b"BT /F1 12 Tf 72 720 Td (Learning week 2025) Tj ET",
                                        title="Hoi thao " * 550_000))
    result = hanoi_ws("evidence", "draft", str(path), "--city", "Hanoi", "--dry-run", "--format", "json")
    assert result.exit_code == 0, result.stderr
    import json

    assert len(json.loads(result.stdout)["draft"]["title"]) <= MAX_TITLE


def test_an_xlsx_with_xml_entities_is_one_error(city, state, tmp_path: Path) -> None:
    """A sheet that declares XML entities is refused with one line, no traceback."""
    path = tmp_path / "entities.xlsx"
    path.write_bytes(_xlsx(f'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY k "event">]><worksheet {_NS}>'
                           f'<sheetData>{_HEADER_ROW}<row r="2"><c r="A2" t="inlineStr"><is><t>&k;</t></is></c>'
                           '<c r="B2" t="inlineStr"><is><t>T</t></is></c></row></sheetData></worksheet>'))
    before = state()
    result = city("import", str(path), "--city", "Hanoi")
    _one_error_line(result, str(path))
    assert state() == before
