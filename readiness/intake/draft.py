"""A first draft of an evidence record from a document, for an official to confirm.

``draft_from_text`` reads what a text says: its title, the dates of what it reports (not of
the article), who organised it, its source address, the numbers worth keeping (participants,
classes, scholarships, districts...), the kind of evidence, and the criteria it most likely
supports, each with how sure it is. ``draft_document`` does that for a file and, unless asked
for a dry run, adds the record as a **draft** with the file attached. Nothing is linked to a
criterion unless the official asks (``link_best``): a draft that counted by itself would
raise the score on a guess.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from readiness.access import Actor
from readiness.dates import PartialDate
from readiness.errors import InvalidValueError
from readiness.frameworks.catalogue import Catalogue
from readiness.frameworks.schema import Framework
from readiness.intake.kindmodel import KindModel, bundled_model
from readiness.intake.suggest import NOT_CUES, KindGuess, Suggester, Suggestion, fold_text, guess_kind
from readiness.intake.textdates import event_dates, year_in

if TYPE_CHECKING:
    from readiness.evidence import EvidenceView
    from readiness.intake.layout import Layout
    from readiness.store.db import Workspace

#: Characters of a text a draft reads: about 20 pages. A document says what it is, who issued it
#: and when in its first pages; reading a 200,000-character report whole took 400 ms, this 200.
MAX_TEXT = 50_000
#: Characters searched for the dates of what the text reports, and for its organiser: they come
#: early in a document.
DATE_TEXT = 20_000

# Letters found in Vietnamese and not in English: enough of them and the text is Vietnamese.
_VI_LETTERS = set("ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ")

#: What a body does after its name ("UBND phường tổ chức ...", "Hội Khuyến học trao ..."): the name ends there.
_ORG_VERBS = ("tổ chức", "phát động", "ban hành", "chủ trì", "phối hợp", "mở", "khai giảng", "khai mạc", "bế mạc",
              "ra mắt", "công bố", "tuyên dương", "trao", "ký", "gửi", "có báo cáo", "đã", "vừa")
_ORG_VI = re.compile(
    r"(?:(?<=\s)|^)((?:Sở|Phòng|UBND|Ủy ban nhân dân|Hội|Trung tâm|Trường|Thư viện|Liên đoàn|Ban|Đoàn|Bộ|Quỹ|"
    r"Huyện|Thành phố|Tỉnh|Phường|Xã)\s+(?:[^\W\d_][\w\-]*\s*){1,9}?)(?=\s*(?:" + "|".join(_ORG_VERBS)
    + r"|,|\.|;|:|\n|$))", re.UNICODE)
_ORG_VERB = re.compile(r"(?<!\w)(?:" + "|".join(_ORG_VERBS) + r")(?!\w)")
_ORG_EN = re.compile(
    r"((?:the\s+)?(?:[A-Z][\w'’.-]*\s+){0,4}(?:Department|People's Committee|People’s Committee|Committee|Association|"
    r"Union|Centre|Center|Library|University|Ministry|Council|Fund|School|Office|Commission)"
    r"(?:\s+of\s+(?:[A-Z][\w'’-]*(?:\s+and\s+|\s+)?){1,6})?)")
_ORG_CUE = re.compile(r"(organi[sz]ed by|launched by|held by|hosted by|run by|do|bởi|the)\s*$", re.IGNORECASE)

# Numbers worth keeping: what follows the number says what it counts.
_NUMBER = re.compile(r"(?<![\w.,/-])(\d{1,3}(?:[.,]\d{3})+|\d+(?:[.,]\d+)?)\s*(%|percent|phần trăm|"
                     r"(?:(triệu|tỷ|nghìn|million|billion|thousand)\s+)?(?:[^\W\d_]+[ \t]*){1,4})", re.IGNORECASE)
_COUNTS = {  # folded first words of what is counted -> indicator id
    "participants": "participants", "people": "participants", "nguoi": "participants", "luot": "participants",
    "luot nguoi": "participants", "visitors": "participants", "attendees": "participants",
    "students": "students", "pupils": "students", "hoc sinh": "students", "sinh vien": "students",
    "learners": "learners", "hoc vien": "learners", "adult learners": "learners",
    "classes": "classes", "lop": "classes", "courses": "courses", "khoa hoc": "courses",
    "scholarships": "scholarships", "hoc bong": "scholarships", "suat hoc bong": "scholarships",
    "districts": "districts", "quan": "districts", "huyen": "districts", "quan huyen": "districts",
    "wards": "wards", "phuong": "wards", "communes": "communes", "xa": "communes", "xa phuong": "communes",
    "teachers": "teachers", "giao vien": "teachers", "volunteers": "volunteers", "tinh nguyen vien": "volunteers",
    "families": "families", "gia dinh": "families", "learning families": "families", "clans": "clans",
    "dong ho": "clans", "centres": "centres", "centers": "centres", "trung tam": "centres", "books": "books",
    "cuon sach": "books", "dau sach": "books", "tu sach": "bookshelves", "schools": "schools", "truong": "schools",
    "workers": "workers", "cong nhan": "workers", "clubs": "clubs", "cau lac bo": "clubs",
}


@dataclass
class NumberFound:
    """A number in the text and what it counts: a candidate indicator value."""

    indicator: str
    value: float
    unit: str
    text: str


@dataclass
class Draft:
    """What a document says, field by field, with how sure each guess is (0 to 1)."""

    title: str
    language: str
    kind: KindGuess
    start: PartialDate | None
    end: PartialDate | None
    date_confidence: float
    organiser: str | None
    source_url: str | None
    summary: str
    numbers: list[NumberFound] = field(default_factory=list)
    suggestions: dict[str, list[Suggestion]] = field(default_factory=dict)
    #: What an official should check before keeping the draft ("the document is about Nghệ An").
    warnings: list[str] = field(default_factory=list)
    #: The workspace unit the issuing body is (set by ``draft_document`` when one matches).
    unit: str | None = None

    def fields(self) -> dict[str, Any]:
        """The record's fields as ``evidence.check_fields`` reads them."""
        raw: dict[str, Any] = {"kind": self.kind.kind or "report", "title": {self.language: self.title[:500]},
                               "language": self.language, "status": "draft", "tags": ["intake"]}
        if self.summary:
            raw["summary"] = {self.language: self.summary}
        if self.organiser:
            raw["organiser"] = {self.language: self.organiser[:300]}
        if self.start:
            raw["start"] = self.start.iso()
        if self.end:
            raw["end"] = self.end.iso()
        if self.source_url:
            raw["source_url"] = self.source_url
        if self.unit:
            raw["unit"] = self.unit
        return raw

    def indicator_values(self) -> list[dict[str, Any]]:
        when = self.end or self.start
        year = when.year if when else None
        seen: set[str] = set()
        out = []
        for n in self.numbers:
            if n.indicator in seen:  # the first mention of each count
                continue
            seen.add(n.indicator)
            out.append({"indicator": n.indicator, "value": n.value, "unit": n.unit, "year": year,
                        "source": f"draft from the document: {n.text}"[:500]})
        return out

    def as_json(self) -> dict[str, Any]:
        return {
            "title": self.title, "language": self.language,
            "kind": {"value": self.kind.kind, "confidence": self.kind.confidence, "words": self.kind.words,
                     "alternatives": self.kind.alternatives()},
            "start": self.start.iso() if self.start else None, "end": self.end.iso() if self.end else None,
            "date_confidence": self.date_confidence, "organiser": self.organiser, "unit": self.unit,
            "source_url": self.source_url, "summary": self.summary, "warnings": list(self.warnings),
            "numbers": [{"indicator": n.indicator, "value": n.value, "unit": n.unit, "text": n.text}
                        for n in self.numbers],
            "suggestions": {fw: [{"criterion": s.ref, "area": s.area, "score": s.score, "title": s.title,
                                  "words": s.words} for s in items] for fw, items in self.suggestions.items()},
        }


def language_of(text: str) -> str:
    """"vi" when Vietnamese letters are common in the text, else "en"."""
    letters = [ch for ch in unicodedata.normalize("NFC", text.lower()) if ch.isalpha()]
    if not letters:
        return "en"
    vi = sum(ch in _VI_LETTERS for ch in letters)
    return "vi" if vi / len(letters) > 0.03 else "en"


# A decision named in a news lead: "has just issued a plan to organize the Lifelong Learning Week
# in 2025 to raise ..." -> "Plan to organize the Lifelong Learning Week in 2025".
_DECISION_EN = re.compile(r"\b(?:issued|approved|adopted|promulgated|unveiled|released|signed)\s+(?:a|an|the|its)\s+"
                          r"((?:[\w-]+\s+){0,2}?(?:plan|decision|resolution|strategy|directive)\s+"
                          r"(?:to|on|for)\s+[^,;:.]{5,140}?)"
                          r"(?=\s+(?:to|in order|so that|aiming|with|which)\s|[,;:.]|$)",
                          re.IGNORECASE)
_DECISION_VI = re.compile(r"\bban hành\s+((?:Kế hoạch|Quyết định|Nghị quyết|Chỉ thị|Đề án)\b[^,;:.]{5,200}?)"
                          r"(?=\s+(?:nhằm|để)\s|[,;:.]|$)", re.IGNORECASE)
# The name of what an article is about, when it has no headline: "the 2023 Lifelong Learning
# Response Week", "Lifelong Learning Festival 2019", "Tuần lễ hưởng ứng học tập suốt đời năm 2023".
_NAMED_EN = re.compile(r"(?:(?P<y1>(?:19|20)\d\d)\s+)?(?P<name>(?:[A-Z][\w'’-]*\s+){1,6}"
                       r"(?:Week|Festival|Forum|Day|Conference|Fair|Campaign|Programme|Program|Award|Awards|Month))"
                       r"(?:\s+(?:in\s+)?(?P<y2>(?:19|20)\d\d))?")
_NAMED_VI = re.compile(r"(?P<name>(?:Tuần lễ|Ngày hội|Lễ hội|Diễn đàn|Hội thảo|Hội nghị|Ngày)\s+(?:[\wÀ-ỹ]+\s+){1,8}?)"
                       r"(?:năm\s+)?(?P<y2>(?:19|20)\d\d)")


def fallback_title(lead: str, language: str) -> str:
    """A title for a text without a headline: the decision its lead names, else the named event it
    is about, else its first sentence when short; never a sentence cut in the middle."""
    head = lead[:600]
    m = (_DECISION_VI if language == "vi" else _DECISION_EN).search(head)
    if m:
        name = " ".join(m[1].split())
        return name[:1].upper() + name[1:]
    found: dict[str, int] = {}
    regex = _NAMED_VI if language == "vi" else _NAMED_EN
    for m in regex.finditer(lead[:20000]):
        name = " ".join(m["name"].split())
        year = m.groupdict().get("y1") or m["y2"]
        key = f"{name} {year}" if year else name
        found[key] = found.get(key, 0) + (2 if year else 1)
    if found:
        return max(found.items(), key=lambda kv: (kv[1], len(kv[0])))[0]
    first = re.split(r"(?<=[.!?])\s", lead.strip(), maxsplit=1)[0]
    return first if len(first) <= 200 else " ".join(first.split()[:12]).rstrip(",;:") + " …"


def find_organiser(text: str, language: str) -> str | None:
    """The body that ran or issued what the text reports: the one named after "organised by" /
    before "tổ chức", else the first one named."""
    found = []
    regex = _ORG_VI if language == "vi" else _ORG_EN
    for m in regex.finditer(text):
        name = " ".join(m[1].split()).strip(" ,.;:")
        name = re.sub(r"^the\s+", "", name, flags=re.IGNORECASE)
        # a name ends where what it did begins: "Phường khai mạc Tuần lễ ..." names no ward
        name = _ORG_VERB.split(name, maxsplit=1)[0].strip()
        if len(name.split()) < 2:
            continue
        before = text[max(0, m.start() - 25):m.start()]
        after = text[m.end():m.end() + 25].lower()
        cue = bool(_ORG_CUE.search(before)) or any(w in after for w in ("tổ chức", "phát động", "ban hành", "chủ trì",
                                                                          "organi", "launch", "held", "ran", "opened"))
        found.append((not cue, m.start(), name))
    return min(found)[2] if found else None


def find_numbers(text: str) -> list[NumberFound]:
    """Counts worth keeping: "73 needy students", "200 free English classes", "20 scholarships",
    "30 districts", "67%"; each with the indicator id it would be kept under."""
    from readiness.intake.suggest import fold_text

    out: list[NumberFound] = []
    for m in _NUMBER.finditer(text):
        raw, what = m[1], m[2]
        if re.fullmatch(r"(19|20)\d\d", raw):  # a year, not a count
            continue
        number = _number(raw, m[3])
        if number is None:
            continue
        if what.strip().lower() in ("%", "percent", "phần trăm"):
            out.append(NumberFound("share", number, "%", m[0].strip()))
            continue
        words = fold_text(what).split()
        if m[3]:
            words = words[1:]
        # "200 free English classes": what is counted may come after an adjective or two.
        for skip in range(0, min(3, len(words))):
            for size in (3, 2, 1):
                key = " ".join(words[skip:skip + size])
                if key in _COUNTS:
                    if any(o.indicator == _COUNTS[key] and o.value == number for o in out):
                        break  # the same count said again
                    out.append(NumberFound(_COUNTS[key], number, " ".join(what.split()[skip:skip + size]) or key,
                                           " ".join(m[0].split())))
                    break
            else:
                continue
            break
    return out


def _number(raw: str, scale: str | None) -> float | None:
    text = raw
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", text):  # 1.420.000 or 1,420,000
        text = re.sub(r"[.,]", "", text)
    else:
        text = text.replace(",", ".")  # 1,42 (Vietnamese decimal comma)
    try:
        value = float(text)
    except ValueError:
        return None
    factor = {"triệu": 1e6, "million": 1e6, "tỷ": 1e9, "billion": 1e9, "nghìn": 1e3, "thousand": 1e3}.get(
        (scale or "").lower(), 1)
    return value * factor


_PLAN_LEAD = re.compile(r"\b(?:issued|approved|adopted|promulgated)\s+(?:(?:a|an|the|its)\s+(?:[\w-]+\s+){0,2}?)?"
                        r"(?P<en>plan|decision|resolution|strategy|directive)\b"
                        # "ban hành kế hoạch", "vừa duyệt kế hoạch tổ chức", "đã ký Nghị quyết số 23-NQ/TU"
                        r"|(?<!\w)(?:ban hành|phê duyệt|duyệt|triển khai|ký)\s+(?:(?:các|hai|ba)\s+)?"
                        r"(?P<vi>kế hoạch|quyết định|nghị quyết|chỉ thị)(?!\w)", re.IGNORECASE)
_LETTER_LEAD = re.compile(r"\b(?:official dispatch|dispatch no|công văn|văn bản số|in a document sent to)\b"
                          r"(?:[^.]|(?<=\bNo)\.|(?<=\bNos)\.){0,200}?"
                          r"\b(?:asked|asks|requested|requests|đề nghị|yêu cầu)\b", re.IGNORECASE)
# A lead that presents the text as a look back at what was done, or as a paper about it: a report,
# however much it speaks of the festival or the scholarships it reports on.
_REPORT_LEAD = re.compile(
    r"^(?:(?:A|An|The|This)\s+(?:[\w-]+\s+){0,2}?(?:presentation|case study|report|paper|review|profile|"
    r"evaluation|article)\b(?!\s+(?:will|is to|shall))"
    r"|(?:Bài viết|Báo cáo|Tham luận|Bài trình bày)\b)"
    r"|\b(?:looks?|looked|looking)\s+back\s+(?:on|at)\b|\btook stock of\b|\btakes stock of\b"
    r"|\breview(?:s|ed)?\s+(?:the\s+|its\s+|their\s+)?(?:tasks|results|work|achievements|implementation|progress)\s+of\b"
    r"|\b(?:nhìn lại|tổng kết|sơ kết)\s+(?:công tác|nhiệm vụ|kết quả|hoạt động|việc thực hiện)\b",
    re.IGNORECASE)
# A lead that reports a recognition: the city joined the network or received its award (news of the
# recognition is a report; the ceremony where it is handed over is an event).
_RECOGNITION_LEAD = re.compile(
    r"\b(?:(?:has been|have been|was|were|is|are)\s+(?:officially\s+)?(?:recognised|recognized|named|admitted)\s+"
    r"(?:as|a|an|to|into|the)\b"
    r"|awarded\s+(?:the\s+)?(?:UNESCO\s+)?Learning City Award"
    r"|(?:joined|joins)\s+(?:the\s+)?(?:UNESCO\s+)?(?:Global\s+)?Network\b"
    # "UNESCO has included 64 cities ... in the Global Network", "admitted 38 cities into its network"
    r"|\b(?:included|admitted|accepted|taken|welcomed|welcomes|added)\s+(?:[\w,-]+\s+){0,8}?(?:in|into|to)\s+"
    r"(?:the\s+|its\s+)?(?:UNESCO\s+)?(?:Global\s+)?Network\b"
    r"|(?:joined|joins|becomes?|became)\s+(?:a\s+)?(?:new\s+)?(?:member|members|part)\s+of"
    r"|(?:received?|receives|won|wins)\s+(?:the\s+)?(?:UNESCO\s+)?Learning City Award"
    r"|được\s+(?:UNESCO\s+)?(?:công nhận|kết nạp|trao giải|ghi danh)|gia nhập\s+Mạng lưới"
    r"|UNESCO\s+(?:(?:vừa|đã|chính thức)\s+)*(?:công nhận|kết nạp|ghi danh)"
    r"|trở thành\s+(?:thành viên|Thành phố học tập)"
    r"|(?:là\s+)?thành viên (?:mới\s+)?của\s+Mạng lưới)",
    re.IGNORECASE)
# A line that only names an author with an academic title, as papers and opinion pieces open:
# "GS. TS Phạm Tất Dong", "PGS.TS Nguyễn Văn A", "Prof. Jane Smith", "By Dr Mary Brown".
_AUTHOR_LINE = re.compile(r"^(?:By\s+)?(?:(?:GS|PGS|TS|ThS|NGƯT|NGND|Prof|Dr|Assoc\.?\s*Prof)\.?[\s.-]*){1,3}"
                          r"[A-ZĐÀ-Ỹ][\wÀ-ỹ'’-]+(?:\s+[A-ZĐÀ-Ỹ][\wÀ-ỹ'’-]+){1,4}\s*$", re.MULTILINE)
# A body that decided: "Cabinet agreed to ...", "the Council resolved that ...", "HĐND tỉnh thông qua Nghị
# quyết ...": the text is that decision (minutes, a decision notice), whatever it decides about.
_DECIDED_LEAD = re.compile(
    r"\b(?:Cabinet|Council|Committee|Board|Assembly|Executive)\s+(?:has\s+|have\s+)?(?:unanimously\s+)?"
    r"(?:agreed|resolved|decided|approved|adopted|endorsed)\b"
    r"|\b(?:HĐND|Hội đồng nhân dân)\b[^.;]{0,80}?\bthông qua\s+(?:các\s+)?(?:Nghị quyết|Quyết định)",
    re.IGNORECASE)
# A headline that states a count: "Có 98 cộng đồng học tập", "có hơn 204 nghìn hội viên".
_COUNT_HEADLINE = re.compile(r"(?<!\w)có\s+(?:hơn|gần|trên|khoảng|tới|đến|thêm)?\s*\d", re.IGNORECASE)
# A ceremony, not the week ("tuần lễ") or a festival ("lễ hội").
_CEREMONY = re.compile(r"\b(?:ceremony|gala|celebrat\w*|(?<!tuần )lễ(?!\s+hội))\b", re.IGNORECASE)
# Abbreviations a sentence does not end at: "Official Dispatch No. 5607", "TP. Sơn La", "Dr. Lan".
_NOT_END = re.compile(r"\b(?:No|Nos|Dr|Mr|Mrs|Ms|Prof|St|TP|Tp|ThS|TS|PGS|GS|Jan|Feb|Aug|Sept|Oct|Nov|Dec)\.$")


def lead_sentences(text: str, count: int = 2) -> list[str]:
    """The first ``count`` sentences of a text, not cut at "No." or "TP."."""
    out: list[str] = []
    for part in re.split(r"(?<=[.!?])\s+", " ".join(text.split())):
        if out and _NOT_END.search(out[-1]):
            out[-1] += " " + part
        elif len(out) < count:
            out.append(part)
        else:
            break
    return out[:count]


_OPENING = re.compile(r"\b(?:opens?|opening|launch(?:es|ed|ing)?|kicks? off|khai mạc|phát động|khai giảng)\b",
                      re.IGNORECASE)
_PERIOD = re.compile(r"(?<![\d/])((?:19|20)\d\d)\s*[-–]\s*((?:19|20)\d\d)(?![\d/])")


#: What a lead may say the text is; each is a feature of the learned kind model (``kind_features``)
#: as well as a rule of ``_kind_of``.
_LEAD_PATTERNS = {"letter": _LETTER_LEAD, "reportlead": _REPORT_LEAD, "recog": _RECOGNITION_LEAD,
                  "decided": _DECIDED_LEAD, "planlead": _PLAN_LEAD, "count": _COUNT_HEADLINE, "ceremony": _CEREMONY,
                  "opening": _OPENING}


def kind_features(title: str, body: str, cues: KindGuess | None = None) -> dict[str, float]:
    """What the kind model (``kindmodel``) reads in a text: the weight of each kind's cue words
    (``guess_kind``, or ``cues`` when already weighed) and which kind they favour, the patterns
    its lead opens with, the folded words of its headline (1 each) and of its first two sentences
    (0.5 each)."""
    cues = cues or guess_kind(title, body)
    features = {f"cue_{kind}": math.log1p(score) for kind, score in cues.scores.items()}
    if cues.kind:
        features[f"best_{cues.kind}"] = 1.0
    lead = " ".join(lead_sentences(body[:1500]))
    for name, pattern in _LEAD_PATTERNS.items():
        if pattern.search(f"{title}. {lead}"):
            features[f"re_{name}"] = 1.0
    features.update((f"t_{word}", 1.0) for word in _words(title))
    features.update((f"l_{word}", 0.5) for word in _words(lead))
    return features


def _words(text: str) -> list[str]:
    """The folded words of a text that may say what it is: not the names of bodies ("Department of
    Education and Training", "Ủy ban nhân dân"), which say who acts, nor numbers and years, which
    say when and how many."""
    return [w for w in re.findall(r"\w+", fold_text(NOT_CUES.sub(" ", text))) if not w[0].isdigit()]


#: The least probability of a kind drafted from a text with no cue word.
_UNSURE = 0.4


def learned_kind(title: str, body: str, model: KindModel | None = None) -> KindGuess:
    """The kind ``model`` (the one shipped, ``kindmodel.bundled_model``, unless another is given)
    finds likeliest, with the probability of every kind as its scores and the cue words found for
    it as its words; no kind when the text has no cue word and the likeliest kind is under 40%."""
    cues = guess_kind(title, body)
    scores = (model or bundled_model()).probabilities(kind_features(title, body, cues))
    best = min(scores, key=lambda kind: (-scores[kind], kind))
    if cues.kind is None and scores[best] < _UNSURE:
        # No cue word, and nothing the model knows points anywhere: its biases are no guess
        return KindGuess(None, 0.0)
    return KindGuess(best, round(scores[best], 2), cues.found.get(best, []), scores, cues.found)


def _kind_of(title: str, body: str, heading_kind: str | None, model: KindModel | None = None) -> KindGuess:
    """The kind the learned model finds (``learned_kind``), except that a plan or a decision stays
    one even when it describes the event it plans: the document's own type ("KẾ HOẠCH"), or a lead
    that says a plan or decision was issued and a body that keeps speaking of it; and the other
    rules below, each of which a lead states outright."""
    guess = learned_kind(title, body, model)
    if heading_kind:
        return KindGuess(heading_kind, max(guess.confidence, 0.9), ["document type"], guess.scores)
    sentences = lead_sentences(body[:1500])
    lead = " ".join(sentences)
    if _LETTER_LEAD.search(lead) and guess.kind != "letter":
        # "In Official Dispatch No. 5607, the Ministry asked localities to ...": a letter, whatever it plans.
        return KindGuess("letter", 0.6, ["official dispatch"], guess.scores)
    if sentences and (m := _REPORT_LEAD.search(sentences[0])) and guess.kind not in ("report", "plan", "policy"):
        # "Cork's co-ordinator looks back on the 20th festival", "A presentation by Swansea University":
        # a report on the festival, not the festival.
        return KindGuess("report", 0.6, [" ".join(m[0].split()).lower()], guess.scores)
    if _AUTHOR_LINE.search(body[:600]) and guess.kind in ("policy", "plan", "media", "programme", "structure"):
        # "GS. TS Phạm Tất Dong" under the headline: an article someone wrote about the subject, which
        # may speak of criteria or plans without being one
        return KindGuess("report", 0.5, ["author"], guess.scores)
    if _COUNT_HEADLINE.search(title) and guess.kind not in ("report", "funding"):
        # "H.Long Thành: Có 98 cộng đồng học tập", "Toàn tỉnh có hơn 204 nghìn hội viên": the news is a count
        return KindGuess("statistic", 0.5, ["có + number"], guess.scores)
    first = f"{title}. {sentences[0]}" if sentences else title
    if ((m := _RECOGNITION_LEAD.search(first)) and not _CEREMONY.search(first)
            and (guess.kind in (None, "event", "structure", "partnership", "programme", "forum", "media")
                 or guess.kind != "report" and guess.confidence < 0.5)):
        # "Dublin has become a member of the UNESCO Global Network", "Cao Lãnh được UNESCO công nhận":
        # news of a recognition, however much it says about the city's festival.
        return KindGuess("report", 0.6, [" ".join(m[0].split()).lower()], guess.scores)
    if (m := _DECIDED_LEAD.search(lead)) and guess.kind not in ("plan", "policy"):
        return KindGuess("policy", 0.6, [" ".join(m[0].split()).lower()], guess.scores)
    m = _PLAN_LEAD.search(f"{title}. {lead}")
    if m:
        word = (m["en"] or m["vi"]).lower()
        kind = "plan" if word in ("plan", "strategy", "kế hoạch") else "policy"
        mentions = len(re.findall(rf"\b{re.escape(word)}\b", body[:20000], re.IGNORECASE))
        if mentions >= 2 and guess.kind != kind:
            return KindGuess(kind, 0.6, [word], guess.scores)
    return guess


# "Today" and "yesterday" as news writes them; not "hiện nay" (nowadays), "năm nay" (this year),
# "thông qua" (adopted) or "năm qua" (the past year).
_TODAY = re.compile(r"\b(?:today|this (?:morning|afternoon|evening)|tonight)\b"
                    r"|(?<!\w)(?:hôm|sáng|chiều|tối|trưa) nay(?!\w)"
                    r"|(?P<before>\byesterday\b|(?<!\w)(?:(?:ngày )?hôm|sáng|chiều|tối|trưa) qua(?!\w))",
                    re.IGNORECASE)


#: Figures "to date": counted on the day the page is dated.
_TO_DATE = re.compile(r"(?<!\w)(?:(?:tính )?đến nay|tới nay|cho đến nay)(?!\w)|\b(?:to date|so far|as of today)\b",
                      re.IGNORECASE)


def _iso_day(published: str | None) -> PartialDate | None:
    """A page's publication date from its metadata ("2025-10-01" or "2025-10-01T08:00"), if a whole day."""
    m = re.match(r"((?:19|20)\d\d)-(\d\d)-(\d\d)", published or "")
    if not m:
        return None
    try:
        day = dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None
    return PartialDate(day.year, day.month, day.day)


def _read(text: str, title: str | None = None) -> tuple[Layout, str, str, str]:
    """A text's layout, title (an official document's heading, else ``title`` when a page's reader
    found one, else the headline, else the first words), body and language."""
    from readiness.intake.layout import read_layout

    layout = read_layout(text)
    body = "\n".join(layout.body)
    language = language_of(body or text)
    given = " ".join(title.split())[:1000] if title else None
    return layout, layout.heading or given or layout.headline or fallback_title(body, language), body, language


def document_kind_features(text: str) -> dict[str, float]:
    """``kind_features`` of a whole text, read as ``draft_from_text`` reads it: what the kind model
    is trained on (``python benchmarks/intake.py --train``)."""
    _, title, body, _ = _read(unicodedata.normalize("NFC", text[:MAX_TEXT]))
    return kind_features(title, body)


def document_kind(text: str, model: KindModel | None = None) -> KindGuess:
    """The kind ``draft_from_text`` drafts for a whole text, with ``model`` in place of the one shipped
    when given (the benchmark's cross-validation measures models fitted without the text)."""
    layout, title, body, _ = _read(unicodedata.normalize("NFC", text[:MAX_TEXT]))
    return _kind_of(title, body, layout.heading_kind, model)


def draft_from_text(text: str, frameworks: Sequence[Framework], *, title: str | None = None,
                    url: str | None = None, year: int | None = None, suggester: Suggester | None = None,
                    top: int = 5, city: str | None = None, other_places: Sequence[str] = (),
                    published: str | None = None) -> Draft:
    """Read a text into a draft: every field with its guess and confidence.

    The text's layout is read first (``layout.read_layout``): a site's banner, captions,
    datelines and lists of other articles are not the document; an official document's heading
    is its title and its letterhead its organiser. ``title`` is a headline found by the reader
    (a web page's); ``year`` the document's year from its metadata, ``published`` a web page's
    date (ISO), which with the page's own date line says what "today" is. With ``city``, a warning
    says when the text is about another place (``places.other_place``).

    Only the first ``MAX_TEXT`` characters are read (dates: the first ``DATE_TEXT``), so a
    draft takes about as long for a 300-page report as for an article."""
    from readiness.intake.layout import document_year, first_sentences, is_dateline

    text = unicodedata.normalize("NFC", text[:MAX_TEXT])
    if year is None and (page_date := _iso_day(published)) is not None:
        year = page_date.year
    layout, chosen, body, language = _read(text, title)
    body_lines = layout.body
    kind = _kind_of(chosen, body, layout.heading_kind)
    doc_year = document_year(layout, year) or year_in(chosen)
    dated = text[:DATE_TEXT]
    if (cut := re.search(r"^\s*(Other News|Related News|Tin liên quan|Tin khác|Trending)\b", dated,
                         re.IGNORECASE | re.MULTILINE)):
        dated = dated[:cut.start()]
    # The page's own date line says when it was published, not when what it reports happened
    # (blanked with spaces: positions stay where they were).
    dated = "\n".join(" " * len(ln) if is_dateline(ln) else ln for ln in dated.split("\n"))
    opening = bool(_OPENING.search(chosen))
    start, end, sure = event_dates(dated, doc_year, dateline=bool(layout.dateline_year or year), opening=opening,
                                   kind=kind.kind)
    if layout.heading and layout.date_line:
        # An official document is dated by its own date line, not by the documents it cites.
        d_start, _, d_sure = event_dates(layout.date_line.replace("ngày tháng", "tháng"), doc_year)
        if d_start is not None:
            start, end, sure = d_start, None, max(d_sure, 0.8)
    if kind.kind in ("plan", "policy", "statistic") and (start is None or start.precision == "year"):
        # A plan dated by nothing finer than a year is dated by the period it covers, and figures by
        # the period they count ("Trong 4 năm (2016-2020), 36.020 gia đình ...").
        for where in (chosen, body[:3000]):
            if p := _PERIOD.search(where):
                start, end, sure = PartialDate(int(p[1])), PartialDate(int(p[2])), 0.5
                break
    if start is None or start.precision == "year":
        # "opened this morning", "Sáng nay, ... khai mạc", "hôm qua": the day of the page's own date
        page_day = layout.dateline_day or _iso_day(published)
        lead = " ".join(lead_sentences(body[:1500]))
        if page_day is not None and (m := _TODAY.search(f"{chosen}. {lead}")):
            day = page_day.first_day - dt.timedelta(days=1 if m["before"] else 0)
            start, end, sure = PartialDate(day.year, day.month, day.day), None, 0.5
        elif page_day is not None and start is None and _TO_DATE.search(f"{chosen}. {lead}"):
            # "Đến nay, 84 trên 147 trung tâm ...": figures counted as of the day the page was dated
            start, end, sure = page_day, None, 0.4
    summary = first_sentences(body_lines, language)
    suggester = suggester or Suggester(frameworks)
    ranked = suggester.rank(chosen, body, kind.kind)
    suggestions = {fw.id: [s for s in ranked if s.ref.startswith(fw.id + ":")][:top] for fw in frameworks}
    draft = Draft(title=chosen, language=language, kind=kind, start=start, end=end, date_confidence=sure,
                  organiser=layout.issuer or find_organiser(f"{chosen}\n{body[:DATE_TEXT]}", language), source_url=url,
                  summary=summary[:5000], numbers=find_numbers(body), suggestions=suggestions)
    if city:
        from readiness.intake.places import other_place

        if about := other_place(f"{chosen}\n{body}", city, other_places):
            draft.warnings.append(f"the document is about {about}, not {city}: check --city before keeping it")
    return draft


def match_unit(organiser: str | None, units: Sequence[tuple[str, str]]) -> str | None:
    """The workspace unit an issuing body is, accents and case aside: "Ủy ban nhân dân phường
    Hàng Trống" is the unit "Phường Hàng Trống" (or "Hàng Trống"); the longest name that matches
    whole words wins, and two units of that name match none."""
    from readiness.intake.layout import fold_name

    if not organiser:
        return None
    said = f" {fold_name(organiser)} "
    found = [(len(key), name) for name, _ in units if (key := fold_name(name)) and f" {key} " in said]
    if not found:
        return None
    found.sort(reverse=True)
    if len(found) > 1 and found[0][0] == found[1][0]:
        return None
    return found[0][1]


@dataclass
class DraftResult:
    draft: Draft
    view: EvidenceView | None = None  # the record added, None on a dry run

    def as_json(self) -> dict[str, Any]:
        return {"draft": self.draft.as_json(), "record": self.view.as_json() if self.view else None}


def draft_document(ws: Workspace, actor: Actor, city_name: str, path: str | Path, catalogue: Catalogue, *,
                   framework_ids: Sequence[str] = (), dry_run: bool = False,
                   link_best: bool = False, max_size: int | None = None) -> DraftResult:
    """Read a document and, unless ``dry_run``, add it as a draft record with the file attached.

    Criteria are suggested from ``framework_ids``, else from the catalogue's default
    (``Catalogue.suggested``). With ``link_best`` the best suggestion of each framework is
    linked, its matched words as the rationale. The candidate numbers are kept as indicator
    values of the record.
    """
    from readiness.evidence import add_evidence
    from readiness.intake.documents import read_document
    from readiness.store.files import DEFAULT_MAX_SIZE, empty_file

    if ws is not None:  # a draft record has no unit yet: the city's coordinators add it; a dry run only reads
        _require_draft(ws, actor, city_name, dry_run)
    if os.path.isfile(path) and os.path.getsize(path) == 0:  # nothing to read, nothing to attach
        raise InvalidValueError(empty_file(str(path)))
    doc = read_document(path)
    frameworks = [catalogue.get(i) for i in framework_ids or catalogue.suggested()]
    city, others, units = city_name, [], []
    if ws is not None:
        from sqlmodel import select

        from readiness.cities import find_city
        from readiness.store.models import City, Unit

        with ws.session() as session:
            row = find_city(session, city_name)  # a dry run still says when the city is wrong
            city = row.name
            others = [c.name for c in session.exec(select(City)) if c.id != row.id]
            units = [(u.name, u.name_key) for u in session.exec(select(Unit).where(Unit.city_id == row.id))]
    # A PDF's or DOCX's metadata title is often a file name ("Microsoft Word - KH11.docx"):
    # the document's own heading comes first, a web page's headline is taken as given.
    title = doc.title if doc.media_type == "text/html" else None
    draft = draft_from_text(doc.text, frameworks, title=title, url=doc.url, year=doc.year, city=city,
                            other_places=others, published=doc.published)
    draft.unit = match_unit(draft.organiser, units)
    if dry_run:
        return DraftResult(draft)
    links = []
    if link_best:
        for items in draft.suggestions.values():
            if items:
                why = f"suggested from the document's words: {', '.join(items[0].words[:4])}"
                links.append((items[0].ref, why[:500]))
    view = add_evidence(ws, actor, city_name, draft.fields(), catalogue, links=links, files=[str(path)],
                        max_size=max_size or DEFAULT_MAX_SIZE, indicators=draft.indicator_values())
    return DraftResult(draft, view)


def _require_draft(ws: Workspace, actor: Actor, city_name: str, dry_run: bool) -> None:
    from readiness.access import Right
    from readiness.cities import city_for

    with ws.session() as session:
        if dry_run:
            city_for(session, actor, city_name, Right.READ)
        else:
            city_for(session, actor, city_name, Right.CONTRIBUTE)  # a record of no unit: not a contributor's


@dataclass
class RecordSuggestions:
    """The criteria an existing record's words point to, best first, per framework (linked ones left out)."""

    view: EvidenceView
    by_framework: dict[str, list[Suggestion]]

    def as_json(self) -> dict[str, Any]:
        """As ``readiness suggest --format json`` gives it."""
        return {"record": self.view.code, "suggestions": {
            fw: [{"criterion": s.ref, "area": s.area, "score": s.score, "title": s.title, "words": s.words}
                 for s in items]
            for fw, items in self.by_framework.items()}}


def suggest_for_record(ws: Workspace, actor: Actor, code: str, catalogue: Catalogue,
                       framework_ids: Sequence[str] = (), top: int = 5) -> RecordSuggestions:
    """Criteria for an existing record, from its titles, summaries and organiser in every language.

    From ``framework_ids``, else from the catalogue's default (``Catalogue.suggested``)."""
    from readiness.evidence import get_evidence

    view = get_evidence(ws, actor, code)
    r = view.row
    title = " / ".join(r.title.values())
    body = " ".join([*r.summary.values(), *r.organiser.values(), *r.tags])
    frameworks = [catalogue.get(i) for i in framework_ids or catalogue.suggested()]
    ranked = Suggester(frameworks).rank(title, body, r.kind)
    linked = {lk.criterion for lk in view.links}
    return RecordSuggestions(view, {fw.id: [s for s in ranked if s.ref.startswith(fw.id + ":")
                                            and s.ref not in linked][:top] for fw in frameworks})
