"""What a headline or a lead sentence *does*: the action and the thing it is done to.

A reader tells a plan from the event it plans by the clause, not by the words mentioned:
"UBND vừa duyệt **kế hoạch** tổ chức Tuần lễ" approves a plan, "Quận khai mạc **Tuần lễ**" opens
an event, "Trao 53 suất **học bổng**" gives money, "Ha Tinh launches Lifelong Learning **Week**"
opens an event. ``lead_action`` finds the first such frame: an action word (``ACTIONS``) and,
within a few words of it, a thing (``THINGS``), whose kind is the frame's kind. Words are matched
as written, diacritics and all ("lớp" is a class, "lộp" is not), in lower case.

The vocabulary is general: the verbs officials and reporters use for issuing, opening, signing,
giving and setting up, and the nouns for what each kind of evidence is. It is not a list of the
phrasings of any particular document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Words that act on something: issue, approve, open, hold, sign, give, set up, launch, review...
ACTIONS: tuple[str, ...] = (
    # Vietnamese
    "ban hành", "phê duyệt", "duyệt", "thông qua", "triển khai", "xây dựng", "ký", "ký kết", "khai mạc",
    "bế mạc", "phát động", "tổ chức", "chào mừng", "kỷ niệm", "trao", "tặng", "trao tặng", "cấp",
    "hỗ trợ", "ủng hộ", "quyên góp", "mở", "khai giảng", "thành lập", "kiện toàn", "ra mắt", "khai trương",
    "gửi", "công bố", "tổng kết", "sơ kết", "phát sóng", "diễn ra", "họp", "dự",
    # English
    "issue", "issues", "issued", "approve", "approves", "approved", "adopt", "adopts", "adopted", "endorse",
    "endorses", "endorsed", "unveil", "unveils", "unveiled", "publish", "publishes", "published", "release",
    "releases", "released", "launch", "launches", "launched", "open", "opens", "opened", "kick off",
    "kicks off", "kicked off", "hold", "holds", "held", "host", "hosts", "hosted", "stage", "stages", "staged",
    "organise", "organises", "organised", "organize", "organizes", "organized", "celebrate", "celebrates",
    "celebrated", "mark", "marks", "marked", "sign", "signs", "signed", "ink", "inks", "inked", "renew",
    "renews", "renewed", "award", "awards", "awarded", "give", "gives", "gave", "grant", "grants", "granted",
    "donate", "donates", "donated", "fund", "funds", "funded", "allocate", "allocates", "allocated", "raise",
    "raises", "raised", "offer", "offers", "offered", "run", "runs", "ran", "start", "starts", "started",
    "set up", "sets up", "establish", "establishes", "established", "form", "forms", "formed", "create",
    "creates", "created", "send", "sends", "sent", "write", "writes", "wrote", "air", "airs", "aired",
    "broadcast", "broadcasts", "convene", "convenes", "convened", "attend", "attends", "attended", "declare",
    "declares", "declared", "proclaim", "proclaims", "proclaimed", "returns", "return", "welcomes back",
)

#: The things acted on, by the kind of evidence they make.
THINGS: dict[str, tuple[str, ...]] = {
    "plan": ("kế hoạch", "đề án", "chiến lược", "chương trình hành động", "lộ trình", "plan", "plans",
             "strategy", "strategic plan", "action plan", "roadmap"),
    "policy": ("quyết định", "nghị quyết", "chỉ thị", "thông tư", "quy định", "chính sách", "bộ tiêu chí",
               "decision", "resolution", "directive", "policy", "regulation", "regulations", "bylaw", "charter",
               "declaration", "proclamation", "motion"),
    "letter": ("công văn", "văn bản", "thư", "thư ngỏ", "hướng dẫn", "letter", "open letter", "dispatch",
               "guidance", "pledge"),
    "forum": ("hội nghị", "hội thảo", "tọa đàm", "diễn đàn", "đối thoại", "cuộc họp", "phiên họp", "conference",
              "workshop", "seminar", "forum", "meeting", "roundtable", "dialogue", "symposium", "webinar", "summit"),
    "event": ("tuần lễ", "ngày hội", "lễ hội", "hội sách", "ngày sách", "hội thi", "cuộc thi", "triển lãm",
              "lễ kỷ niệm", "lễ tuyên dương", "festival", "week", "day", "fair", "celebration", "contest",
              "competition", "exhibition", "party", "month", "parade"),
    "partnership": ("thỏa thuận", "thoả thuận", "biên bản ghi nhớ", "chương trình phối hợp", "quy chế phối hợp",
                    "agreement", "memorandum", "memoranda", "mou", "mous", "partnership", "pact", "accord"),
    "funding": ("học bổng", "suất học bổng", "quỹ", "kinh phí", "tỷ đồng", "triệu đồng", "scholarship",
                "scholarships", "grant", "grants", "fund", "funding", "bursary", "bursaries", "donation",
                "donations", "budget"),
    "programme": ("lớp", "lớp học", "khóa học", "khoá học", "câu lạc bộ", "class", "classes", "course", "courses",
                  "training", "lessons", "club", "clubs"),
    "structure": ("ban chỉ đạo", "hội đồng", "mạng lưới", "trung tâm học tập cộng đồng", "thư viện", "tủ sách",
                  "board", "council", "committee", "network", "centre", "center", "library", "hub", "taskforce"),
    "report": ("báo cáo", "report", "review", "evaluation"),
    "statistic": ("khảo sát", "điều tra", "số liệu", "survey", "census", "statistics", "figures", "data"),
    "media": ("cổng thông tin", "trang thông tin", "website", "portal", "ứng dụng", "app", "nền tảng", "platform",
              "chuyên mục", "phóng sự", "series", "podcast", "video", "radio", "truyền hình",
              "chương trình truyền hình"),
}
#: Actions that say the kind on their own ("Cork celebrates learning", "tổng kết năm học").
SELF: dict[str, str] = {"celebrate": "event", "celebrates": "event", "celebrated": "event",
                        "khai mạc": "event", "tổng kết": "report", "sơ kết": "report"}
#: Actions that say the kind whatever they act on: a course's or a school year's opening ("khai giảng").
DECIDES: dict[str, str] = {"khai giảng": "programme"}
#: Kinds whose name opens a document's title ("Kế hoạch ...", "Báo cáo ...", "Decision on ...").
DOCUMENTS = ("plan", "policy", "letter", "report")
#: Words a thing may stand after its action by, at most.
REACH = 5

_WORD = re.compile(r"[\wÀ-ỹđ%£$€]+(?:['’-][\wÀ-ỹđ]+)*", re.IGNORECASE)
#: "Sở Giáo dục và Đào tạo" holds "đào tạo" (training), the People's Committee a committee, a Council who acts:
#: names of who acts are not the thing acted on.
_NAMES = re.compile(
    r"(?:Sở|Bộ|Phòng|Ngành)\s+Giáo dục\s*(?:và|-|&)\s*Đào tạo|\bPeople['’]s\s+(?:Committee|Council)s?\b"
    r"|\b(?:City|County|District|Borough|Town|Municipal|Shire)\s+Council\b|Hội đồng nhân dân|Ủy ban nhân dân"
    r"|\b(?:Department|Ministry|Minister|Office)\s+of\s+Education\b|(?<!\w)(?:đăng ký|thư ký)(?!\w)"
    # a time, not a thing: "this week", "every day"
    r"|\b(?:this|last|next|every|each|that|the same|one)\s+(?:week|day|month)\b",
    re.IGNORECASE)


@dataclass(frozen=True)
class Action:
    """A frame found: its kind and the words that made it ("khai mạc ... tuần lễ")."""

    kind: str
    words: str


def _phrases(words: tuple[str, ...]) -> list[tuple[str, ...]]:
    return sorted({tuple(w.split()) for w in words}, key=len, reverse=True)


def _by_first(phrases: dict[tuple[str, ...], str]) -> dict[str, list[tuple[tuple[str, ...], str]]]:
    """Phrases filed under their first word, longest first."""
    index: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for phrase, label in sorted(phrases.items(), key=lambda pl: -len(pl[0])):
        index.setdefault(phrase[0], []).append((phrase, label))
    return index


_ACTIONS = _by_first({p: "" for p in _phrases(ACTIONS)})
# every kind's things together, longest first: "thư viện" (a library) is not "thư" (a letter)
_THINGS = _by_first({p: kind for kind, words in THINGS.items() for p in _phrases(words)})


def _find(tokens: list[str], index: dict[str, list[tuple[tuple[str, ...], str]]],
          ) -> list[tuple[int, int, str, tuple[str, ...]]]:
    """(start, end, label, phrase) for each phrase in tokens, left to right, the longest at each place."""
    found: list[tuple[int, int, str, tuple[str, ...]]] = []
    i = 0
    while i < len(tokens):
        for phrase, label in index.get(tokens[i], ()):
            if tuple(tokens[i:i + len(phrase)]) == phrase:
                found.append((i, i + len(phrase), label, phrase))
                i += len(phrase)
                break
        else:
            i += 1
    return found


def lead_action(text: str) -> Action | None:
    """The first action-and-thing frame of a headline or a sentence, or None.

    The thing must follow its action within ``REACH`` words ("phát động Tuần lễ hưởng ứng", "launches
    Lifelong Learning Week"), or stand just before it ("53 suất học bổng tặng học sinh", "agreement
    signed"); the nearest thing after an action is the one it acts on."""
    tokens = [w.lower() for w in _WORD.findall(_NAMES.sub(" ", text))]
    if not tokens:
        return None
    actions = _find(tokens, _ACTIONS)
    things = _find(tokens, _THINGS)
    if things and things[0][0] == 0 and things[0][2] in DOCUMENTS:
        # "Quyết định 733/QĐ-UBND phê duyệt Kế hoạch ...": a document named by its type first is that document
        return Action(things[0][2], " ".join(things[0][3]))
    for a, b, _, verb in actions:
        if (name := " ".join(verb)) in DECIDES:
            return Action(DECIDES[name], name)
        after = [t for t in things if b <= t[0] <= b + REACH - 1]
        if after:
            _, _, kind, p = after[0]
            return Action(kind, f"{' '.join(verb)} … {' '.join(p)}")
        if name in SELF:
            return Action(SELF[name], name)
        before = [t for t in things if a - 4 <= t[1] <= a]
        if before:
            _, _, kind, p = before[-1]
            return Action(kind, f"{' '.join(p)} … {' '.join(verb)}")
    return None
