"""Which place a document is about, to warn when it is not the city a draft is filed under.

An article about Nghệ An drafted into Hà Nội would count for Hà Nội's application. The check is
a count: how often the text names the city given, and how often it names another place it knows
(Viet Nam's provinces and centrally run cities, a few learning cities inside them, and every other
city of the workspace), the title counting three times. Names are matched folded ("Nghe An",
"Nghệ An", "NGHỆ AN" are one), written with or without spaces ("Hanoi", "Ha Noi"). A province
that holds the city given (Vinh is in Nghệ An) is the city too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from readiness.intake.layout import fold_name

#: Viet Nam's provinces and centrally run cities (the 63 of 2008-2025), and learning cities in them.
PLACES_VN = """
An Giang; Bà Rịa - Vũng Tàu; Bạc Liêu; Bắc Giang; Bắc Kạn; Bắc Ninh; Bến Tre; Bình Dương; Bình Định; Bình Phước;
Bình Thuận; Cà Mau; Cao Bằng; Cần Thơ; Đà Nẵng; Đắk Lắk; Đắk Nông; Điện Biên; Đồng Nai; Đồng Tháp; Gia Lai; Hà Giang;
Hà Nam; Hà Nội; Hà Tĩnh; Hải Dương; Hải Phòng; Hậu Giang; Hòa Bình; Hưng Yên; Khánh Hòa; Kiên Giang; Kon Tum;
Lai Châu; Lạng Sơn; Lào Cai; Lâm Đồng; Long An; Nam Định; Nghệ An; Ninh Bình; Ninh Thuận; Phú Thọ; Phú Yên;
Quảng Bình; Quảng Nam; Quảng Ngãi; Quảng Ninh; Quảng Trị; Sóc Trăng; Sơn La; Tây Ninh; Thái Bình; Thái Nguyên;
Thanh Hóa; Thừa Thiên Huế; Tiền Giang; Hồ Chí Minh; Trà Vinh; Tuyên Quang; Vĩnh Long; Vĩnh Phúc; Yên Bái;
Sa Đéc; Cao Lãnh; Thủ Dầu Một; Biên Hòa; Nha Trang; Buôn Ma Thuột; Hạ Long; Quy Nhơn
"""
#: A city and the province it lies in: a text about the province is about the city too.
IN_PROVINCE = {"vinh": "nghe an", "sa dec": "dong thap", "cao lanh": "dong thap", "hue": "thua thien hue",
               "thu dau mot": "binh duong", "bien hoa": "dong nai", "nha trang": "khanh hoa",
               "ha long": "quang ninh", "quy nhon": "binh dinh", "buon ma thuot": "dak lak"}
_PREFIXES = ("thanh pho ", "tp ", "tinh ", "city of ", "province of ")
_SUFFIXES = (" city", " province")


def _core(name: str) -> str:
    key = fold_name(name)
    for prefix in _PREFIXES:
        if key.startswith(prefix) and len(key) > len(prefix):
            key = key[len(prefix):]
    for suffix in _SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix):
            key = key[:-len(suffix)]
    return key


def _count(folded: str, key: str) -> int:
    variants = {key, key.replace(" ", "")} if " " in key else {key}
    return sum(len(re.findall(rf"(?<!\w){re.escape(v)}(?!\w)", folded)) for v in variants)


def other_place(text: str, city: str, others: Sequence[str] = ()) -> str | None:
    """The place ``text`` is about when that is not ``city``; None when it is, or when unclear."""
    title, _, body = text.partition("\n")
    folded_title, folded_body = fold_name(title), fold_name(body[:20000])
    given = _core(city)
    same = {given, IN_PROVINCE.get(given, given)}

    def weight(key: str) -> int:
        return 3 * _count(folded_title, key) + _count(folded_body, key)

    ours = sum(weight(k) for k in same)
    names = {_core(n): n.strip() for n in [*PLACES_VN.replace("\n", " ").split(";"), *others] if n.strip()}
    best, score = None, 0
    for key, name in names.items():
        if key in same or not key or key in given or given in key:
            continue
        w = weight(key)
        if w > score:
            best, score = name, w
    if best is None or score < 2:
        return None
    if ours == 0 or score >= 3 * ours and _count(folded_title, _core(best)) and not any(
            _count(folded_title, k) for k in same):
        return best
    return None
