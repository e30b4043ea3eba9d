"""How a document is laid out: its headline, its official heading and letterhead, its main text.

Text read out of a web page, a PDF or a DOCX keeps what surrounds the article: a site's banner
("Vietnam.vn - Nền tảng quảng bá Việt Nam"), a breadcrumb ("News - Events"), a dateline glued to
the paper's name ("Báo Quốc TếBáo Quốc Tế28/04/2025"), photo captions, "Other News" lists, a
source line. ``read_layout`` sets those apart from the main text, so that a draft's title is the
document's own headline and its summary is the article's first sentences.

Official Vietnamese documents open with a letterhead (the issuing body, upper case, often on two
lines: "ỦY BAN NHÂN DÂN" / "THÀNH PHỐ HÀ NỘI"), the national motto, a number ("Số: 11/KH-UBND"),
a place and date, then the type of document in capitals ("KẾ HOẠCH") and its name, wrapped over
several lines. The heading is joined across its line breaks into one name ("Kế hoạch số
11/KH-UBND tổ chức ..."), and the letterhead is read as the issuing body ("Ủy ban nhân dân
phường Hàng Trống").

Pure functions on text: no I/O, no heavy imports.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from readiness.dates import PartialDate
from readiness.intake.textdates import PERIOD_SPAN
from readiness.text import fold_words

#: The types of official documents, as their heading names them, and the evidence kind each is.
DOCUMENT_TYPES = {
    "kế hoạch": "plan", "quyết định": "policy", "nghị quyết": "policy", "chỉ thị": "policy",
    "báo cáo": "report", "biên bản": None, "công văn": "letter", "thông báo": "letter",
    "tờ trình": "letter", "chương trình": None, "hướng dẫn": "letter", "đề án": "plan",
    "kết luận": "policy", "thông tư": "policy",
}
_TYPE_LINE = re.compile(r"^\s*(" + "|".join(sorted((t.upper() for t in DOCUMENT_TYPES), key=len, reverse=True))
                        + r")\b\s*(.*)$")
_MOTTO = re.compile(r"(CỘNG\s+HÒA|CỘNG\s+HOÀ)\s+XÃ\s+HỘI\s+CHỦ\s+NGHĨA\s+VIỆT\s+NAM|Độc\s+lập\s*[-–]\s*Tự\s+do",
                    re.IGNORECASE)
_NUMBER = re.compile(r"\bSố\s*:?\s*(\d+[\w./\-]*\d*[\w./\-]*)", re.IGNORECASE)
_ORG_START = ("ỦY BAN", "UỶ BAN", "UBND", "SỞ", "PHÒNG", "HỘI", "TRUNG TÂM", "TRƯỜNG", "BAN", "BỘ", "THƯ VIỆN",
              "ĐOÀN", "LIÊN ĐOÀN", "QUỸ", "HỌC VIỆN", "ĐẠI HỌC", "CÔNG TY", "MẶT TRẬN", "HUYỆN ỦY", "THÀNH ỦY",
              "ĐẢNG ỦY", "TỈNH ỦY")
_PLACE_WORDS = ("thành phố", "thị xã", "thị trấn", "tỉnh", "huyện", "quận", "phường", "xã", "tp.")
_BODY_START = re.compile(r"^(Thực hiện|Căn cứ|Kính gửi|Để |Nhằm|Hôm nay|Vào hồi|Thời gian|Địa điểm|Trong |Theo |"
                         r"I\.|1\.|Phần|Điều 1)", re.IGNORECASE)

# Lines that are not the article: photo captions, bylines, source lines, navigation.
_CAPTION = re.compile(r"(\b(Photo|Ảnh|Picture|Pic|Nguồn ảnh)\s*:|\|\s*$|^!\[|^\(\)$|^[-–•]\s*$|^Photo caption$)",
                      re.IGNORECASE)
_SOURCE = re.compile(r"^(Source|Nguồn|Theo)\s*:?\s*https?://", re.IGNORECASE)
_CHROME = re.compile(r"^(Comment|Comments|Bình luận|Share|Chia sẻ|Tags?|Từ khóa|Advert(isement)?|Quảng cáo|"
                     r"Sign up for|Đăng nhập|Read also|READ ALSO|Xem thêm|Đọc thêm|Back to list|Trang chủ)\b.*"
                     # the link a page puts first for screen readers and keyboards
                     r"|^(Skip|Jump|Go)\s+to\s+(the\s+)?(main\s+)?(content|navigation|menu|search)\b.{0,20}$"
                     r"|^(Nhảy|Chuyển|Đi)\s+(đến|tới)\s+(phần\s+)?(nội dung|menu)\b.{0,20}$"
                     r"|^Bỏ qua\s+(phần\s+)?(nội dung|menu|điều hướng)\b.{0,20}$",
                     re.IGNORECASE)
#: A line that is only a web or mail address ("www.townsville.qld.gov.au"): not part of a heading above it.
_ADDRESS = re.compile(r"^(?:https?://|www\.)\S+$|^\S+@\S+\.\w+$|^[\w-]+(?:\.[\w-]+)+/?\S*$", re.IGNORECASE)
#: Headers after which a page lists other articles: everything from there on is left out.
_TAIL = re.compile(r"^(Other News|Related News|Related articles|Trending|Most read|Tin liên quan|Tin khác|"
                   r"Tin cùng chuyên mục|Bài viết liên quan|Liên kết hữu ích|Xem nhiều|Đọc nhiều|More from)\b",
                   re.IGNORECASE)
_DATE_ONLY = re.compile(r"^[\W\d_]*(\d{1,2}[/.-]\d{1,2}[/.-](19|20)\d\d|(19|20)\d\d-\d\d-\d\d)[\W\d_A-Za-z+]{0,12}$|"
                        r"^\W*(\d{1,2}(?:st|nd|rd|th)?\s+[A-Z][a-z]+\.?|[A-Z][a-z]+\.?\s+\d{1,2}(?:st|nd|rd|th)?,?)\s+(19|20)\d\d\b"
                        r"[^.]{0,30}$|"
                        # written out, as Vietnamese portals head their pages: "Thứ Bảy, ngày 23 tháng 11 năm 2024"
                        r"^\W*(?:[Nn]gày\s+)?\d{1,2}\s+[Tt]háng\s+\d{1,2}\s*(?:[Nn]ăm|,)\s*(19|20)\d\d[\W\d]{0,12}$")
_GLUED_DATELINE = re.compile(r"^(?P<site>[^\d\n]{3,60}?)(?P=site)?\s*(?P<date>\d{1,2}/\d{1,2}/(?:19|20)\d\d)\s*$")
_BYLINE_DATE = re.compile(r"^[^\n]{0,60}?(?:\||–|-)\s*(\d{1,2}/\d{1,2}/(19|20)\d\d)\b.*$")
# A year on its own (not in a date such as 05-10-2024), once periods are taken out (PERIOD_SPAN).
_YEAR = re.compile(r"(?<![\d/.\-–])((?:19|20)\d\d)(?![\d/])")

_DATE_YEAR = re.compile(r"ngày\b[^|]{0,30}?năm\s+((?:19|20)\d\d)"
                        r"|\bngày\s+\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*((?:19|20)\d\d)", re.IGNORECASE)


@dataclass
class Layout:
    """What a document's text holds, part by part."""

    headline: str | None = None
    #: The official heading joined into one name, with its number: "Kế hoạch số 11/KH-UBND ..."
    heading: str | None = None
    #: The kind of evidence the heading's document type is (plan, policy, report, letter).
    heading_kind: str | None = None
    #: The issuing body read from the letterhead: "Ủy ban nhân dân phường Hàng Trống".
    issuer: str | None = None
    #: The year of the dateline or of the document's own date line ("Hà Nội, ngày 18 tháng 8 năm 2020").
    dateline_year: int | None = None
    #: An official document's place and date line: "Hà Nội, ngày 18 tháng 8 năm 2020".
    date_line: str | None = None
    #: The day the page's own date line gives ("Thứ Năm, 29/09/2011"): what "today" and "hôm nay" mean.
    dateline_day: PartialDate | None = None
    #: The article's own lines, without banner, captions, datelines and lists of other articles.
    body: list[str] = field(default_factory=list)

    @property
    def title(self) -> str | None:
        return self.heading or self.headline


def read_layout(text: str) -> Layout:
    """The parts of a document's text (see the module's docstring)."""
    text = unicodedata.normalize("NFC", text)
    lines = [" ".join(ln.split()) for ln in text.splitlines()]
    lines = [ln for ln in lines if ln]
    out = Layout()
    official = _official(lines[:60])
    if official is not None:
        out.heading, out.heading_kind, out.issuer, out.date_line, start = official
        out.dateline_year = int(y[0]) if out.date_line and (y := re.search(r"(19|20)\d\d", out.date_line)) else None
        lines = lines[start:]
    kept: list[str] = []
    seen: Counter[str] = Counter(lines)
    for i, line in enumerate(lines):
        if _TAIL.match(line) and i > 2:
            break
        if m := _GLUED_DATELINE.match(line):
            out.dateline_year = out.dateline_year or int(m["date"][-4:])
            out.dateline_day = out.dateline_day or _day_of(m["date"])
            continue
        if _DATE_ONLY.match(line) or _BYLINE_DATE.match(line) and len(line) < 80 or is_dateline(line):
            if (y := re.search(r"(19|20)\d\d", line)) and i < 6:
                out.dateline_year = out.dateline_year or int(y[0])
                out.dateline_day = out.dateline_day or _day_of(line)
            continue
        if _CAPTION.search(line) or _SOURCE.match(line) or _CHROME.match(line) or seen[line] > 1 and len(line) < 200:
            continue
        kept.append(re.sub(r"^\([\w.-]+\.(?:vn|com|net|org)\)\s*[-–]\s*", "", line, flags=re.IGNORECASE))
    if official is None:
        # A site's banner or breadcrumb ("Vietnam.vn - ...", "News - Events", "News »") is not the
        # headline: short lines with a separator, or of one or two words, before a longer line.
        while len(kept) > 1 and (re.search(r"\.(vn|com|net|org)\b|^(\S+\s){0,2}\S+\s[-|–»]\s(\S+\s?){1,3}$|»$",
                                           kept[0])
                                 and len(kept[0].split()) <= 10 or len(kept[0].split()) <= 2):
            kept = kept[1:]
        if kept and _is_headline(kept[0]):
            out.headline = kept[0]
            kept = kept[1:]
            # A heading wrapped where a PDF or DOCX broke its line: "Biên bản Diễn đàn học tập suốt" / "đời ..."
            while (kept and kept[0][:1].islower() and len(out.headline) + len(kept[0]) < 300
                   and not _ADDRESS.match(kept[0])):
                out.headline = f"{out.headline} {kept[0]}"
                kept = kept[1:]
    out.body = kept
    return out


def _day_of(line: str) -> PartialDate | None:
    """The one whole day a date line gives, year written: "29/09/2011", "October 3, 2023 | 09:15"."""
    from readiness.intake.textdates import find_dates

    days = [m.start for m in find_dates(line) if m.year_given and not m.is_range and m.start is not None
            and m.start.precision == "day"]
    return days[0] if len(days) == 1 else None


# What may open a page's date line: the weekday, "Published", "Cập nhật" ("Thứ Hai, 20/10/2014 - 15:32").
_STAMP_PREFIX = re.compile(r"^(?:(?:Published|Posted|Updated|Last updated|Cập nhật|Đăng|Ngày đăng|Thời gian đăng|Ngày)"
                           r"(?:\s+(?:on|lúc|ngày))?\s*:?\s*)?"
                           # the time may come before the weekday: "Cập nhật lúc 20:44, Thứ Hai, 12/10/2020"
                           r"(?:\d{1,2}[:h]\d\d\s*,?\s*(?:ngày\s+)?)?(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day|Thứ\s+(?:hai|ba|"
                           r"tư|năm|sáu|bảy|[2-7])|Chủ\s+nhật|CN|T[2-7])?\s*,?\s*(?:\d{1,2}[:h]\d\d\s*(?:ngày\s+)?)?"
                           # a press release's place: "Dublin, 24th January 2019"
                           r"(?:(?!The\b)(?-i:[A-Z][\w'’.-]+)(?:\s+(?-i:[A-Z][\w'’.-]+)){0,2},\s+(?=\d))?",
                           re.IGNORECASE)
# ... and close it: the time and the zone ("20/10/2014, 15:32 (GMT+7)").
# The time may be missing ("12/10/2020 (GMT+7)"); SA and CH are Vietnamese AM and PM.
_STAMP_SUFFIX = re.compile(r"\s*[,|–-]?\s*(?:\d{1,2}[:h]\d\d(?::\d\d)?\s*)?"
                           r"(?:\(?(?:GMT|UTC)\s*[+-]?\d*\)?|\b(?:AM|PM|SA|CH)\b)?\s*$", re.IGNORECASE)


def is_dateline(line: str) -> bool:
    """A line that only dates the page: "20/10/2014 15:32", "October 3, 2023 | 09:15",
    "Tin tức - 28/04/2025" (one date, nothing said); a range on its own line is a schedule, not one."""
    line = _STAMP_SUFFIX.sub("", _STAMP_PREFIX.sub("", " ".join(line.split())))
    if not (_DATE_ONLY.match(line) or _BYLINE_DATE.match(line) and len(line) < 80):
        return False
    return len(re.findall(r"(?<!\d)(?:19|20)\d\d(?!\d)", line)) == 1


def _is_headline(line: str) -> bool:
    """A headline is short and not a sentence: it does not end with a full stop."""
    words = line.split()
    return 2 <= len(words) <= 40 and len(line) <= 300 and not line.rstrip().endswith((".", "…", ":", ";"))


def _official(lines: list[str]) -> tuple[str, str | None, str | None, str | None, int] | None:
    """Heading, its kind, issuer, date line and the index where the body starts, for an official document."""
    at = next((i for i, ln in enumerate(lines[:30]) if (t := _TYPE_LINE.match(ln)) and _caps(t[1])), None)
    if at is None or at > 5 and not any(_MOTTO.search(ln) for ln in lines[:12]):
        return None
    m = _TYPE_LINE.match(lines[at])
    assert m is not None
    doc_type = m[1].lower()
    parts = [m[2]] if m[2] else []
    caps = not parts or _caps(parts[0])
    end = at + 1
    while end < len(lines) and end - at <= 5:
        nxt = lines[end]
        prev = parts[-1] if parts else ""
        if _BODY_START.match(nxt) and not _caps(nxt) or len(nxt) > 220:
            break
        if caps and not _caps(nxt):
            if not parts and nxt[:1].isupper():  # "KẾ HOẠCH" then "Tổ chức ..." on the next line
                parts.append(nxt)
                caps = False
                end += 1
                continue
            break
        if not caps and prev.endswith((".", "”", '"', ":", ")")) and not nxt[:1].islower():
            break
        parts.append(nxt)
        end += 1
    name = " ".join(parts).strip(" .")
    body_text = "\n".join(lines)
    if name and _caps(name):
        name = _sentence_case(name, body_text)
    if name[1:2].islower():  # "Kế hoạch" then "Tổ chức ...": one name, "Kế hoạch tổ chức ..."
        name = name[:1].lower() + name[1:]
    number = None
    for ln in lines[:at]:
        if (n := _NUMBER.search(ln)) and re.search(r"\d", n[1]):
            number = n[1].rstrip(".,;|")
            break
    title = doc_type.capitalize() + (f" số {number}" if number else "") + (f" {name}" if name else "")
    date_line = None
    for ln in lines[:at]:
        if d := _DATE_YEAR.search(ln):
            date_line = ln[d.start():d.end()]
    return title[:1000], DOCUMENT_TYPES[doc_type], _issuer(lines[:at]), date_line, end


def _caps(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and all(not ch.islower() for ch in letters) or not letters


def _sentence_case(text: str, context: str) -> str:
    """An upper-case heading in sentence case; a word written with a capital in the body keeps it
    ("HÀ NỘI" -> "Hà Nội"), and the first word after an opening quote is capitalised."""
    proper = {w for w in re.findall(r"\w+", context) if w[:1].isupper() and not w.isupper() and len(w) > 1}
    words = text.lower().split(" ")
    out = []
    for i, w in enumerate(words):
        core = w.strip("“”\"'(),.:;")
        cap = core[:1].upper() + core[1:]
        if i == 0 or cap in proper or w.startswith(("“", '"')) or (i and words[i - 1].endswith(("“", '"'))):
            w = w.replace(core, cap, 1)
        out.append(w)
    return " ".join(out)


def _issuer(lines: list[str]) -> str | None:
    """The issuing body from a letterhead's upper-case lines, in ordinary case."""
    found: list[str] = []
    for ln in lines[:8]:
        for part in re.split(r"\s*\|\s*|\t|\s{2,}", ln):
            part = _MOTTO.split(part)[0].strip(" -|")
            if not part or not _caps(part) or part.startswith(("SỐ", "Số")) or re.match(r"^[-_=\W]*$", part):
                continue
            if part.upper().startswith(_ORG_START) or found and _place(part):
                found.append(part)
    if not found:
        return None
    top = found[0]
    if len(found) >= 2 and _place(found[1]):
        return _org_case(top + " " + found[1])
    if len(found) >= 2:
        # "UBND HUYỆN THANH OAI" over "HỘI KHUYẾN HỌC": the lower line issues, under the upper's place.
        place = _place_of(top)
        return _org_case(found[1]) + (f" {place}" if place else "")
    return _org_case(top)


def _place(part: str) -> bool:
    return part.lower().startswith(_PLACE_WORDS)


def _place_of(org: str) -> str | None:
    low = org.lower()
    for word in _PLACE_WORDS:
        if (i := low.find(word + " ")) >= 0:
            return _org_case(org[i:])
    return None


def _org_case(caps: str) -> str:
    """ "ỦY BAN NHÂN DÂN PHƯỜNG HÀNG TRỐNG" -> "Ủy ban nhân dân phường Hàng Trống";
    "HỘI KHUYẾN HỌC" -> "Hội Khuyến học"; "SỞ GIÁO DỤC VÀ ĐÀO TẠO" -> "Sở Giáo dục và Đào tạo"."""
    text = re.sub(r"^UBND\b", "ỦY BAN NHÂN DÂN", caps.strip())
    words = text.lower().split()
    out: list[str] = []
    place = False
    for i, w in enumerate(words):
        two = " ".join(words[i:i + 2])
        if w in _PLACE_WORDS or two in _PLACE_WORDS:
            place = True
            out.append(w)
            continue
        if place and not (out and out[-1] == "thành" and w == "phố") and not (out and out[-1] == "thị"):
            out.append(w[:1].upper() + w[1:])
            continue
        first_of_name = i == 1 and words[0] in ("hội", "sở", "phòng", "trung", "trường", "thư") \
            or i == 2 and words[:2] in (["trung", "tâm"], ["thư", "viện"]) or i and words[i - 1] == "và"
        out.append(w[:1].upper() + w[1:] if i == 0 or first_of_name else w)
    return " ".join(out)


def document_year(layout: Layout, meta_year: int | None = None) -> int | None:
    """The year a document is of: its dateline, else its metadata, else the year it names most
    often on its own (not the ends of a period such as "2021-2030")."""
    if layout.dateline_year:
        return layout.dateline_year
    if meta_year:
        return meta_year
    text = " ".join([layout.title or "", *layout.body])[:20000]
    years = Counter(int(m[1]) for m in _YEAR.finditer(PERIOD_SPAN.sub(" ", text)))
    if not years:
        return None
    return max(years.items(), key=lambda kv: (kv[1], kv[0]))[0]


def first_sentences(lines: list[str], language: str, count: int = 3, limit: int = 600) -> str:
    """Two or three sentences of the main text, in the document's language (a caption or a
    translation line in another language is skipped)."""
    from readiness.intake.draft import language_of

    out: list[str] = []
    size = 0
    foreign = False
    for line in lines:
        # A caption in another language is often followed by its translation: skip both.
        after_foreign, foreign = foreign, language_of(line) != language
        if len(line) < 40 or foreign or after_foreign and len(line) < 160:
            continue
        for sentence in re.split(r"(?<=[.!?])\s+(?=[\"“A-ZĐÀ-Ỹ(])", line):
            if len(sentence) < 25:
                continue
            if out and size + len(sentence) > limit:
                return " ".join(out)
            out.append(sentence)
            size += len(sentence) + 1
            if len(out) >= count:
                return " ".join(out)
    return " ".join(out)[:5000]


def fold_name(text: str) -> str:
    """A name folded for matching: no accents, no case, single spaces."""
    return " ".join(re.findall(r"\w+", fold_words(text)))
