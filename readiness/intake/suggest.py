"""What a piece of evidence is and which criteria it supports, from its words, in two languages.

Offline and instant: words are folded (no diacritics, no case: "Hội thảo" and "hoi thao" are one
word) and matched as phrases against

* cue words for each evidence kind (``KIND_CUES``: "kế hoạch", "plan" -> plan; "hội thảo",
  "forum" -> forum); evidence kinds are the same in every framework, so their cues live here;
* the criteria's own titles and guidance, in every language the framework has;
* the framework's own ``keywords``: the words officials use for an area (for every criterion
  under it) or a criterion, per language (``Area.keywords``, ``Criterion.keywords`` in the
  framework file), so that "tuần lễ hưởng ứng học tập suốt đời" finds KFLC's celebration of
  learning even though no criterion is worded that way. A framework without keywords is
  matched on its titles and guidance alone.

A phrase counts by how rare it is across the criteria (inverse document frequency), more in a
title than in the body, and criteria that take the guessed kind get a nudge. Each suggestion
carries the words that matched, so the official sees why.

The text is read once: its words are indexed (``_Phrases``) and every phrase is looked up
where its first word occurs, so the cost grows with the text, not with the text times the
~7,800 phrases. Only the first ``MAX_TEXT`` characters of a body are read.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from readiness.frameworks.schema import Area, Criterion, Framework
from readiness.text import fold_words

#: Cue words per evidence kind, with a weight, to guess what a document is; Vietnamese with
#: diacritics, as officials write them. Not framework vocabulary: evidence kinds are global.
KIND_CUES: dict[str, dict[str, float]] = {
    "plan": {"kế hoạch": 3, "plan": 3, "đề án": 2, "chiến lược": 2, "strategy": 2, "lộ trình": 1, "roadmap": 1,
             "giai đoạn": 0.5, "mục tiêu": 0.5, "targets": 0.5, "giao nhiệm vụ": 1},
    "policy": {"quyết định": 3, "decision": 3, "nghị quyết": 3, "resolution": 3, "chính sách": 2, "policy": 2,
               "thông tư": 3, "circular": 3, "quy định": 2, "regulation": 2, "chỉ thị": 3, "directive": 3,
               "tiêu chí": 1, "criteria": 1, "approved": 1, "phê duyệt": 1},
    "forum": {"diễn đàn": 4, "forum": 4, "hội thảo": 4, "workshop": 4, "seminar": 3, "tọa đàm": 4,
              "hội nghị": 2, "conference": 3, "roundtable": 3, "đối thoại": 2, "dialogue": 2, "thảo luận": 1,
              "discuss": 1, "đại biểu": 1, "delegates": 1, "delegations": 1, "share experience": 1},
    "event": {"tuần lễ": 3, "week": 2, "festival": 3, "lễ hội": 3, "ngày hội": 3, "celebrate": 2, "celebrated": 2,
              "celebration": 2, "celebrates": 2, "khai mạc": 2, "opening ceremony": 2, "ceremony": 1.5,
              "phát động": 2, "launched": 1, "lễ": 0.5, "hội thi": 2,
              "competition": 2, "contest": 2, "tuyên dương": 2, "honouring": 2, "honoring": 2, "day": 0.5,
              "ngày sách": 2, "exhibition": 1, "triển lãm": 1, "visitors": 1, "giao lưu": 1,
              "lễ vinh danh": 3, "lễ trao": 3, "lễ công bố": 3, "award ceremony": 3},
    "programme": {"lớp": 2, "classes": 2, "class": 1.5, "khóa học": 2, "course": 2, "courses": 2, "training": 2,
                  "trained": 2, "tập huấn": 2, "bồi dưỡng": 2, "đào tạo": 2, "programme": 1.5, "program": 1.5,
                  "chương trình": 1, "câu lạc bộ": 2, "club": 2, "clubs": 2, "mô hình": 1, "học viên": 1,
                  "learners": 1, "lessons": 1.5, "khai giảng": 2, "mở lớp": 2, "phổ cập": 1.5},
    "statistic": {"số liệu": 3, "thống kê": 3, "statistics": 3, "tỷ lệ": 2, "rate": 1.5, "percent": 1.5,
                  "survey": 3, "điều tra": 3, "khảo sát": 3, "census": 3, "chiếm": 1, "%": 1, "lượt": 1},
    "structure": {"thành lập": 3, "established": 3, "set up": 3, "ban chỉ đạo": 3, "steering committee": 3,
                  "hội đồng": 2, "council": 2, "committee": 1.5, "opened": 1, "opens": 1.5, "tủ sách": 1,
                  "network": 1, "mạng lưới": 0.5, "chaired": 1, "members": 1, "thành viên": 1},
    "partnership": {"ký kết": 4, "signed": 2, "memorandum": 4, "mou": 4, "hợp tác": 3, "cooperate": 3,
                    "cooperation": 3, "partnership": 3, "đối tác": 2, "partner": 1, "agreement": 3,
                    "thỏa thuận": 3, "chương trình phối hợp": 4, "phối hợp": 1},
    "funding": {"kinh phí": 3, "ngân sách": 3, "budget": 3, "funding": 3, "funded": 2, "fund": 2, "quỹ": 2,
                "học bổng": 3, "scholarship": 3, "scholarships": 3, "tài trợ": 3, "donation": 3, "donations": 3,
                "đóng góp": 2, "tỷ đồng": 2, "triệu đồng": 2, "billion": 2, "dong": 1, "nhà hảo tâm": 2,
                "suất": 1},
    "report": {"báo cáo": 4, "report": 4, "tổng kết": 3, "sơ kết": 3, "đánh giá": 1.5, "assessing": 1.5,
               "evaluation": 2, "progress": 1.5, "kết quả thực hiện": 2, "tồn tại": 1, "submitted": 1,
               "case study": 3, "presentation": 2, "paper": 1, "looks back": 2, "reviewed": 1.5, "survey team": 2,
               "ghi danh": 2, "công nhận": 1.5, "recognised": 1, "recognized": 1, "progress report": 4,
               # joining a network is news of a recognition; a survey of how something is carried
               # out ("khảo sát việc thực hiện") is an inspection visit's report, not statistics
               "gia nhập": 2, "thành viên mới": 2, "new members": 2, "new member": 2, "joins": 1.5, "joined": 1.5,
               "becomes a member": 3, "become a member": 3, "became a member": 3, "profile": 2,
               "survey on the implementation": 4, "khảo sát việc thực hiện": 4, "khảo sát tình hình thực hiện": 4,
               "kiểm tra việc thực hiện": 3, "giám sát việc thực hiện": 3,
               # a Vietnamese review closes with the "directions and tasks" for the next period
               "phương hướng": 1, "phương hướng nhiệm vụ": 2},
    "media": {"truyền hình": 3, "television": 3, "phóng sự": 3, "radio": 3, "phát thanh": 3, "broadcast": 3,
              "video": 2, "podcast": 3, "báo chí": 2, "spots": 2, "series": 1.5, "chuyên mục": 2,
              "social media": 2, "mạng xã hội": 2, "campaign": 1, "infographic": 2},
    # "thư" alone is also "thư viện" (library) and "thư ký" (secretary): only the letters officials send
    "letter": {"thư ngỏ": 3, "thư mời": 2, "thư gửi": 2, "bức thư": 2, "lá thư": 2, "thư chúc mừng": 2,
               "thư cảm ơn": 2, "letter": 3, "cam kết": 2, "pledge": 3, "công văn": 3, "ký": 1, "signs": 1,
               "official dispatch": 4, "dispatch": 2, "document sent to": 3, "văn bản số": 3, "asked localities": 2,
               "endorsement": 3, "xác nhận": 2, "gửi kèm": 1},
}

_TOKEN = re.compile(r"[a-z0-9%]+(?:['’-][a-z0-9]+)*")
_RUN = re.compile(r"[a-z0-9]+")  # what \w matches in folded text
#: Characters of a body read for suggestions: an article's worth; a long report's start says
#: what it is.
MAX_TEXT = 200_000


def fold_text(text: str) -> str:
    """Folded words separated by single spaces: "Hội Thảo, 2025" -> "hoi thao 2025"."""
    return " ".join(_TOKEN.findall(fold_words(text)))


def _contains(haystack: str, phrase: str) -> bool:
    """Whole-word phrase match on folded text."""
    return bool(phrase) and re.search(r"\b" + re.escape(phrase) + r"\b", haystack) is not None


class _Phrases:
    """A set of folded phrases, found in a folded text in one pass.

    ``found(text)`` gives the phrases that ``_contains(text, phrase)`` would find, the same
    word boundaries and all: each phrase is filed under its first run of letters and digits,
    and tried only where such a run starts in the text."""

    def __init__(self, phrases: Iterable[str]):
        self.by_first: dict[str, list[str]] = defaultdict(list)
        self.odd: list[str] = []  # phrases that do not start with a letter or digit ("%")
        for phrase in set(phrases):
            if not phrase:
                continue
            first = _RUN.match(phrase)
            if first:
                self.by_first[first[0]].append(phrase)
            else:
                self.odd.append(phrase)

    def found(self, text: str) -> set[str]:
        hits = {p for p in self.odd if _contains(text, p)}
        n = len(text)
        for m in _RUN.finditer(text):
            candidates = self.by_first.get(m[0])
            if not candidates:
                continue
            start = m.start()
            for phrase in candidates:
                if phrase in hits or not text.startswith(phrase, start):
                    continue
                end = start + len(phrase)
                # \b at the end: a word character on exactly one side
                if (end < n and _is_word(text[end])) != _is_word(phrase[-1]):
                    hits.add(phrase)
        return hits


def _is_word(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch == "_")


@dataclass
class KindGuess:
    kind: str | None
    confidence: float
    words: list[str] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)
    #: The cue words found for every kind, not only the guessed one.
    found: dict[str, list[str]] = field(default_factory=dict)

    def alternatives(self, count: int = 2) -> list[str]:
        """The next kinds by their scores (the learned model's probabilities in a draft, the weight
        of their cue words from ``guess_kind``), those the text has cue words for first: what the
        document may be instead.

        On real documents nobody tuned on, the drafted kind is right for 63% and the right kind is
        among it and these two for 82% (benchmarks/intake.py's held-aside set), so an official is
        shown them beside the guess."""
        # kinds the text has cue words for first ("20 suất học bổng" beside a festival: perhaps funding),
        # then the others the model finds likely
        ranked = sorted(self.scores.items(), key=lambda kv: (not self.found.get(kv[0]), -kv[1], kv[0]))
        return [k for k, score in ranked if k != self.kind and score > 0][:count]


#: Names and words that hold a cue word without meaning it: the Department of Education and
#: *Training* organises a launch that is no training course, the *People's Committee* and the *City
#: Council* are who acts, not a committee set up; "mọi tầng *lớp*" are social strata, not classes,
#: "năng *suất*" productivity, "đăng *ký*" registering, "thư *ký*" a secretary.
NOT_CUES = re.compile(
    r"(?:Sở|Bộ|Phòng|Ngành|Bộ trưởng|Giám đốc|Trưởng phòng)\s+Giáo dục\s*(?:và|-|&)\s*Đào tạo|\bGD\s*(?:&|và|-)\s*ĐT\b"
    r"|\b(?:Department|Ministry|Minister|Office|Division|Bureau|Service)\s+of\s+Education\s+and\s+Training\b"
    r"|\bEducation\s+and\s+Training\s+(?:Department|Office|Division|Bureau|sector)\b"
    r"|\bPeople['’]s\s+(?:Committee|Council)s?\b|\bParty\s+Committee\b"
    r"|\b(?:City|County|District|Borough|Town|Municipal|Shire)\s+Council\b"
    r"|Hội đồng nhân dân|\bHĐND\b|Ủy ban nhân dân|\bUBND\b|Mặt trận Tổ quốc"
    r"|(?<!\w)(?:tầng lớp|năng suất|hiệu suất|đăng ký|thư ký|nhật ký)(?!\w)"
    # the press as the source of news ("báo chí đưa tin", "media reported"), not a media product
    r"|(?<!\w)(?:báo chí|truyền thông)\s+(?:đã\s+)?(?:đưa tin|loan tin|đăng tải|cho biết|phản ánh)(?!\w)"
    r"|\b(?:the\s+)?(?:media|press)\s+(?:reported|reports|said)\b|\baccording to (?:the\s+)?(?:media|press)\b",
    re.IGNORECASE)
#: Letters with Vietnamese marks (and đ): a text that has them writes its words with their accents.
_MARKED = re.compile(r"[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]", re.IGNORECASE)
#: Each kind cue's folded form -> the cues written that way ("thu" -> "thư").
_CUE_SPELLINGS: dict[str, list[str]] = defaultdict(list)
for _cues in KIND_CUES.values():
    for _word in _cues:
        if _word != "%":
            _CUE_SPELLINGS[fold_text(_word)].append(_word)


def _as_written(found: set[str], text: str) -> set[str]:
    """The folded cues of ``found`` that ``text`` writes as a cue is written, accents and all."""
    lowered = " ".join(text.lower().split())
    return {key for key in found
            if any(re.search(r"(?<!\w)" + r"\W+".join(map(re.escape, w.lower().split())) + r"(?!\w)", lowered)
                   for w in _CUE_SPELLINGS.get(key, [key]))}


def guess_kind(title: str, body: str) -> KindGuess:
    """The evidence kind whose cue words weigh most; title words count three times, and a word
    that opens the title (a document's type) six."""
    title, body = NOT_CUES.sub(" ", title), NOT_CUES.sub(" ", body[:MAX_TEXT])
    t, b = fold_text(title), fold_text(body)
    in_t, in_b = _KIND_PHRASES.found(t), _KIND_PHRASES.found(b)
    if _MARKED.search(title) or _MARKED.search(body[:5000]):
        # Written with its accents, Vietnamese tells its syllables apart: "thư" (letter) is not
        # "thư viện" (library) nor "thu" (autumn), "ký" (signed) is not "nhiệm kỳ" (term), "dong"
        # is not "cộng đồng". A cue counts only where it is written as the cue is.
        in_t, in_b = _as_written(in_t, title), _as_written(in_b, body)
    scores: dict[str, float] = {}
    in_title: dict[str, float] = {}
    words: dict[str, list[str]] = {}
    for kind, cues in KIND_CUES.items():
        total = 0.0
        for word, weight in cues.items():
            key = fold_text(word) if word != "%" else "%"
            if key == "%":
                hit_t, hit_b = "%" in title, "%" in body
            else:
                hit_t, hit_b = key in in_t, key in in_b
            if hit_t or hit_b:
                # Official documents name their type first: "Kế hoạch ...", "Báo cáo ...", "Quyết định ...".
                leads = key != "%" and t.startswith(key + " ")
                total += weight * (6 if leads else 3 if hit_t else 1)
                in_title[kind] = in_title.get(kind, 0.0) + (weight if hit_t else 0.0)
                words.setdefault(kind, []).append(word)
        if total:
            scores[kind] = total
    if not scores:
        return KindGuess(None, 0.0)
    # A tie goes to the kind the title speaks of, then to the first in the alphabet.
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], -in_title.get(kv[0], 0.0), kv[0]))
    best, top = ranked[0]
    second = ranked[1][1] if len(ranked) > 1 else 0.0
    confidence = round(min(1.0, (top - second) / top + 0.2) if top else 0.0, 2)
    return KindGuess(best, confidence, words[best], scores, words)


# ---------------------------------------------------------------------------------------------
# Criteria


@dataclass
class Suggestion:
    """A criterion (or, with ``area`` only, an area) and why it was suggested."""

    ref: str
    title: dict[str, str]
    area: str
    score: float
    words: list[str]


@dataclass
class _Entry:
    ref: str
    title: dict[str, str]
    area: str
    kinds: set[str]
    title_terms: set[str]
    body_terms: set[str]
    area_terms: set[str]


class Suggester:
    """Ranks the criteria of some frameworks for a text; build once, ask many times."""

    def __init__(self, frameworks: Iterable[Framework]):
        self.entries: list[_Entry] = []
        self.display: dict[str, str] = {}
        for fw in frameworks:
            self._add_framework(fw)
        n = len(self.entries) or 1
        df: dict[str, int] = defaultdict(int)
        for e in self.entries:
            for term in e.title_terms | e.body_terms | e.area_terms:
                df[term] += 1
        self.idf = {term: math.log(1 + n / count) for term, count in df.items()}
        self.phrases = _Phrases(df)

    def _add_framework(self, fw: Framework) -> None:
        """An entry per criterion; its keywords are those of every area above it and its own."""
        for area, crit, keywords in _criteria_with_keywords(fw.areas, []):
            texts_title = list(crit.title.root.items())
            texts_body = [*(crit.guidance.root.items() if crit.guidance else []), *area.title.root.items()]
            self.entries.append(_Entry(
                ref=f"{fw.id}:{crit.id}", title=dict(crit.title.root), area=f"{fw.id}:{area.id}",
                kinds={k.value for k in crit.evidence.kinds} if crit.evidence else set(),
                title_terms=self._terms(texts_title),
                body_terms=self._terms(texts_body),
                area_terms={self._keep(w) for w in keywords}))

    def _keep(self, phrase: str) -> str:
        key = fold_text(phrase)
        self.display.setdefault(key, phrase)
        return key

    def _terms(self, texts: Sequence[tuple[str, str]]) -> set[str]:
        """Terms of (language, text) pairs, folded: two- and three-word phrases, and in languages
        written with spaces between words (not Vietnamese, whose syllables are not words) single
        words of four letters or more. Phrases that begin or end with a common word are left out."""
        terms: set[str] = set()
        for lang, text in texts:
            words = fold_text(text).split()
            raw = re.findall(r"\w+(?:['’-]\w+)*", text.casefold())
            for i, w in enumerate(words):
                if lang != "vi" and len(w) >= 4 and w not in _STOP:
                    terms.add(w)
                    if i < len(raw):
                        self.display.setdefault(w, raw[i])
                for size in (2, 3):
                    part = words[i:i + size]
                    if len(part) == size and part[0] not in _STOP and part[-1] not in _STOP:
                        phrase = " ".join(part)
                        terms.add(phrase)
                        if i + size <= len(raw):
                            self.display.setdefault(phrase, " ".join(raw[i:i + size]))
        return terms

    def rank(self, title: str, body: str, kind: str | None = None, top: int | None = None) -> list[Suggestion]:
        """Criteria best first, each with the words that matched; those that matched nothing are left out."""
        t, b = fold_text(title[:MAX_TEXT]), fold_text(body[:MAX_TEXT])
        found_t, found_b = self.phrases.found(t), self.phrases.found(b)
        out = []
        for e in self.entries:
            score = 0.0
            words = []
            for term in e.title_terms | e.body_terms | e.area_terms:
                in_title, in_body = term in found_t, term in found_b
                if not (in_title or in_body):
                    continue
                weight = self.idf.get(term, 1.0) * (1 + 0.5 * term.count(" "))  # phrases say more than words
                weight *= 2.0 if term in e.area_terms else 1.5 if term in e.title_terms else 1.0
                score += weight * (2.0 if in_title else 1.0)
                words.append(self.display.get(term, term))
            if score and kind and kind in e.kinds:
                score *= 1.3
            if score:
                # Longest first; ties by spelling, so two runs (two hash seeds) show the same words.
                best_words = sorted(set(words), key=lambda w: (-len(w), w))[:6]
                out.append(Suggestion(e.ref, e.title, e.area, round(score, 3), best_words))
        out.sort(key=lambda s: (-s.score, s.ref))
        return out[:top] if top else out

    def areas(self, title: str, body: str, kind: str | None = None,
              framework: str | None = None) -> list[tuple[str, float]]:
        """Top-level-of-criteria areas ranked by their best criterion (for the benchmark and the output)."""
        best: dict[str, float] = {}
        for s in self.rank(title, body, kind):
            if framework and not s.ref.startswith(framework + ":"):
                continue
            best.setdefault(s.area, s.score)
        return sorted(best.items(), key=lambda kv: -kv[1])


def _criteria_with_keywords(areas: Iterable[Area], above: list[str]) -> Iterator[tuple[Area, Criterion, list[str]]]:
    """Each criterion with its area and its keywords: those of the areas above it, outermost
    last (the area's own first), then its own."""
    for area in areas:
        words = [*(area.keywords.words() if area.keywords else []), *above]
        for crit in area.criteria:
            yield area, crit, [*words, *(crit.keywords.words() if crit.keywords else [])]
        yield from _criteria_with_keywords(area.areas, words)


_KIND_PHRASES = _Phrases(fold_text(w) for cues in KIND_CUES.values() for w in cues if w != "%")

# Folded words too common to say anything about a criterion.
_STOP = set("""
a an and are as at be by for from has have in into is it its of on or that the their them this to with
cac cho co cua da den duoc la mot nhung trong tu va ve voi nay khi theo tai tren nguoi cung nhu hoac
city thanh pho city's learning hoc tap learn every all more most other such than they which who
lifelong suot doi hoc tap suot doi
""".split())
