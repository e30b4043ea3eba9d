"""Hostile and careless input: every reader bounded in time, memory and output (issue 13).

Each hostile file is made here, small on disk; where the real limit would make a test slow,
the test lowers it through the environment (READINESS_PARSE_TIMEOUT, READINESS_PARSE_MEMORY).
"""

from __future__ import annotations

import time

from hypothesis import given, settings
from hypothesis import strategies as st


# ---------------------------------------------------------------------------------------------
# suggest: one pass over the text


def test_suggest_reads_a_long_text_in_one_pass() -> None:
    """Kind and criteria for an 800 KB text come in well under a second's order, not 30 s."""
    from readiness.criteria import load_catalogue
    from readiness.intake import draft_from_text

    catalogue = load_catalogue()
    frameworks = [catalogue.get("kflc"), catalogue.get("guidelines")]
    text = ("Tuần lễ hưởng ứng học tập suốt đời được tổ chức tại 30 quận huyện với nhiều lớp học miễn phí. "
            "The forum on lifelong learning gathered delegates from the People's Committee. ") * 4700
    assert len(text) > 800_000
    start = time.perf_counter()
    draft = draft_from_text(text, frameworks)
    elapsed = time.perf_counter() - start
    assert draft.suggestions["kflc"] and draft.kind.kind is not None
    assert elapsed < 5, f"{elapsed:.1f} s"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["hoc", "tap", "learning", "e-learning", "people's", "committee", "67%", "%",
                                 "week", "lifelong", "x", "hoc-tap", "’s"]), max_size=12),
       st.lists(st.sampled_from(["hoc tap", "learning", "people's committee", "lifelong learning week", "s",
                                 "tap", "67", "%", "learning week", "hoc", "e"]), min_size=1, max_size=5))
def test_phrase_index_finds_what_a_word_bounded_search_finds(words: list[str], phrases: list[str]) -> None:
    """The one-pass phrase index finds exactly the phrases a \\b-bounded regex search finds."""
    from readiness.suggest import _contains, _Phrases

    text = " ".join(words)
    assert _Phrases(phrases).found(text) == {p for p in phrases if _contains(text, p)}
