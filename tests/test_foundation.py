"""The small helpers every module shares: one of each, so that one idea has one behaviour."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from readiness.dates import as_utc
from readiness.errors import InvalidValueError, UnreadableFileError
from readiness.frameworks.schema import Area, Criterion, Text, walk_areas, walk_criteria
from readiness.numbers import format_number
from readiness.scoring.engine import AreaScore, CriterionScore, Scorecard
from readiness.smallfile import check_small_file, read_small_file
from readiness.text import BIDI_CONTROLS, fold_words, in_language, pick_text, split_ref

# ---------------------------------------------------------------------------------------------
# Text in a language, with fallback


@pytest.mark.parametrize(("texts", "lang", "fallbacks", "expected"), [
    ({"en": "Plan", "vi": "Kế hoạch"}, "vi", ("en",), ("Kế hoạch", None)),
    ({"en": "Plan", "vi": "Kế hoạch"}, "fr", ("en",), ("Plan", "en")),
    ({"fr": "Projet", "en": "Plan"}, "vi", ("en",), ("Plan", "en")),  # English before the first
    ({"fr": "Projet", "en": "Plan"}, "vi", (), ("Projet", "fr")),  # no fallback: the first
    ({"de": "", "vi": "Kế hoạch", "en": "Plan"}, "de", ("fr",), ("Kế hoạch", "vi")),  # empty is missing
    ({"en": "", "vi": ""}, "en", ("en",), ("", None)),
    ({}, "en", ("en",), ("", None)),
    (None, "vi", ("en",), ("", None)),
])
def test_pick_text_falls_back_in_order(texts, lang, fallbacks, expected) -> None:
    """The wanted language, else each fallback, else the first language given; empty texts are missing."""
    assert pick_text(texts, lang, fallbacks) == expected
    assert in_language(texts, lang, fallbacks) == expected[0]


def test_in_language_tries_every_fallback_before_the_first() -> None:
    """A record's title falls back to English, then Vietnamese, before whatever comes first."""
    title = {"fr": "Forum", "vi": "Diễn đàn"}
    assert in_language(title, "de", ("en", "vi")) == "Diễn đàn"
    assert in_language(title, "de") == "Forum"


def test_framework_text_uses_the_same_fallback() -> None:
    """``Text.get`` gives the wanted language, a named fallback, English, then the first."""
    text = Text.model_validate({"vi": "Kế hoạch", "fr": "Projet", "en": "Plan"})
    assert text.get("vi") == "Kế hoạch"
    assert text.get("de", "fr") == "Projet"
    assert text.get("de") == "Plan"
    assert Text.model_validate({"vi": "Kế hoạch", "fr": "Projet"}).get("de") == "Kế hoạch"


# ---------------------------------------------------------------------------------------------
# Direction overrides, folding, references


def test_bidi_controls_are_the_overrides_embeddings_and_isolates() -> None:
    """U+202A-U+202E and U+2066-U+2069; the marks (U+200E, U+200F) and ordinary text are not among them."""
    assert sorted(map(ord, BIDI_CONTROLS)) == [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]
    assert not set("\u200e\u200fHà Nội\t\n") & set(BIDI_CONTROLS)


@pytest.mark.parametrize(("text", "folded"), [
    ("Hà  Nội", "ha noi"),
    ("  ĐỐNG ĐA\tQuận ", "dong da quan"),
    ("Ha\u0300 N\u00f4\u0323i", "ha noi"),  # NFD input folds like NFC
    ("Tháng 10/2025", "thang 10/2025"),  # punctuation stays: only marks, case and spaces go
])
def test_fold_words_keeps_words_apart(text, folded) -> None:
    """No marks, no case, single spaces; the words and their punctuation stay."""
    assert fold_words(text) == folded


@pytest.mark.parametrize(("ref", "parts"), [
    ("kflc:2.6.1", ("kflc", "2.6.1")),
    ("guidelines:G3", ("guidelines", "G3")),
    ("2.6.1", ("", "2.6.1")),
    ("kflc:", ("kflc", "")),
    ("a:b:c", ("a", "b:c")),
])
def test_split_ref(ref, parts) -> None:
    """``framework:criterion`` in two parts; an id alone has no framework."""
    assert split_ref(ref) == parts


# ---------------------------------------------------------------------------------------------
# Time and numbers


def test_as_utc_takes_naive_as_utc_and_converts_aware() -> None:
    """SQLite's naive stamps are UTC already; an aware one (07:00 in Hà Nội) becomes 00:00 UTC."""
    naive = dt.datetime(2026, 6, 15, 9, 30)
    assert as_utc(naive) == dt.datetime(2026, 6, 15, 9, 30, tzinfo=dt.timezone.utc)
    assert as_utc(naive).isoformat() == "2026-06-15T09:30:00+00:00"
    hanoi = dt.datetime(2026, 6, 15, 7, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    assert as_utc(hanoi).isoformat() == "2026-06-15T00:00:00+00:00"


@pytest.mark.parametrize(("value", "significant", "shown"), [
    (8587100, None, "8,587,100"),
    (3359.84, None, "3,359.84"),
    (12.0, None, "12.0"),
    (999, None, "999"),
    (12.0, 10, "12"),
    (0.1 + 0.2, 10, "0.3"),
    (8587100.25, 10, "8,587,100.25"),
    (-1234567, 10, "-1,234,567"),
])
def test_format_number_groups_thousands(value, significant, shown) -> None:
    """Thousands separated by commas; with ``significant``, rounded and without a trailing .0."""
    assert format_number(value, significant) == shown


# ---------------------------------------------------------------------------------------------
# Walking the area tree


def _area(aid: str, *, areas: tuple[Area, ...] = (), criteria: tuple[str, ...] = ()) -> Area:
    crits = tuple(Criterion.model_validate({"id": c, "title": {"en": c}, "evidence": {"kinds": ["plan"]}})
                  for c in criteria)
    return Area(id=aid, title=Text.model_validate({"en": aid}), areas=areas, criteria=crits)


def test_walk_areas_goes_depth_first_in_file_order() -> None:
    """Each area before the areas it holds, siblings in file order; criteria with their area."""
    deep = _area("1.2", areas=(_area("1.2.1", criteria=("x",)),))
    tree = (_area("1", areas=(_area("1.1", criteria=("1.1.1",)), deep)), _area("2", criteria=("2.1", "2.2")))
    assert [a.id for a in walk_areas(tree)] == ["1", "1.1", "1.2", "1.2.1", "2"]
    assert [(a.id, c.id) for a, c in walk_criteria(tree)] == [
        ("1.1", "1.1.1"), ("1.2.1", "x"), ("2", "2.1"), ("2", "2.2")]


def test_walk_areas_walks_a_scorecard_too() -> None:
    """A scorecard's areas nest like a framework's: ``all_criteria`` lists them in the same order."""
    def crit(cid: str) -> CriterionScore:
        return CriterionScore.model_construct(id=cid)

    inner = AreaScore.model_construct(id="1.1", areas=[], criteria=[crit("1.1.1"), crit("1.1.2")])
    outer = AreaScore.model_construct(id="1", areas=[inner], criteria=[crit("1.0")])
    last = AreaScore.model_construct(id="2", areas=[], criteria=[crit("2.1")])
    assert [a.id for a in walk_areas([outer, last])] == ["1", "1.1", "2"]
    card = Scorecard.model_construct(areas=[outer, last])
    assert [c.id for c in card.all_criteria()] == ["1.0", "1.1.1", "1.1.2", "2.1"]


# ---------------------------------------------------------------------------------------------
# Small files


def _too_large(size: int) -> str:
    return f"{size:,} bytes; at most 10"


def test_read_small_file_reads_up_to_the_limit(tmp_path: Path) -> None:
    """A file of exactly the limit is read whole; one byte more is refused with the caller's words."""
    exact = tmp_path / "ten.txt"
    exact.write_bytes(b"0123456789")
    assert read_small_file(exact, 10, _too_large) == b"0123456789"
    assert check_small_file(str(exact), 10, _too_large) == 10
    exact.write_bytes(b"0123456789A")
    with pytest.raises(UnreadableFileError) as caught:
        read_small_file(exact, 10, _too_large)
    assert str(caught.value) == f"{exact}: 11 bytes; at most 10"
    assert caught.value.reason == "11 bytes; at most 10"
    assert isinstance(caught.value, InvalidValueError)


def test_read_small_file_says_what_is_wrong(tmp_path: Path) -> None:
    """Missing, a folder (in the caller's words), a pipe, unreadable: one line naming the path as given."""
    with pytest.raises(UnreadableFileError, match=r"^nope/x\.txt: no such file$"):
        read_small_file("nope/x.txt", 10, _too_large)
    with pytest.raises(UnreadableFileError, match=r": no such file$"):
        read_small_file(tmp_path, 10, _too_large)  # a folder, by default
    with pytest.raises(UnreadableFileError, match=r": is a folder; give a file$"):
        read_small_file(tmp_path, 10, _too_large, folder="is a folder; give a file")
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    with pytest.raises(UnreadableFileError, match=r"pipe: not a regular file \(a pipe or a device\); give a file$"):
        read_small_file(pipe, 10, _too_large)
    locked = tmp_path / "locked.txt"
    locked.write_bytes(b"x")
    with pytest.raises(UnreadableFileError, match=r"locked\.txt: cannot be read: Permission denied$"):
        _read_denied(locked)


def _read_denied(path: Path) -> bytes:
    """read_small_file with open() refused as for a file without read permission (root reads those)."""
    import readiness.smallfile as smallfile

    def denied(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(smallfile, "open", denied, raising=False)
        return smallfile.read_small_file(path, 10, _too_large)


def test_read_small_file_refuses_a_file_that_grew(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The limit holds on what is read, not only on the size measured before."""
    import readiness.smallfile as smallfile

    grown = tmp_path / "grown.txt"
    grown.write_bytes(b"x" * 50)
    monkeypatch.setattr(smallfile, "check_small_file", lambda *args, **kwargs: 5)  # measured while still small
    with pytest.raises(UnreadableFileError, match=r"grown\.txt: 11 bytes; at most 10$"):
        smallfile.read_small_file(grown, 10, _too_large)
