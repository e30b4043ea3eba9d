"""Cities, their units, their profile, and the audit log of every change.

Names match however they are typed: "Hà Nội", "Ha Noi", "hanoi" and the NFD spelling all find
the same city (``text.fold``). Every function that writes does it in one transaction with its
audit event, so a failed command leaves the workspace as it was.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, col, select

from readiness import profile as profile_fields
from readiness.access import Actor, Right, Scope, may, readable_cities, require, require_signed_in
from readiness.errors import AmbiguousError, InvalidValueError, NotFoundError
from readiness.store.audit import record_event, row_json, snapshot
from readiness.store.db import Workspace
from readiness.store.models import AuditEvent, City, Unit, utcnow
from readiness.text import clean, fold, fold_words, strip_marks

UNIT_KINDS = ("ward", "commune", "district", "town", "agency", "school", "library", "centre", "association", "other")
#: What officials write for each unit kind (matched folded: with or without diacritics); the
#: first names are the ones an error message shows.
UNIT_KIND_NAMES: dict[str, tuple[str, ...]] = {
    "ward": ("phường",),
    "commune": ("xã",),
    "district": ("quận", "huyện"),
    "town": ("thị xã", "thị trấn", "township"),
    "agency": ("sở", "ban", "ngành", "cơ quan", "phòng", "ủy ban", "department", "office"),
    "school": ("trường", "trường học", "nhà trường"),
    "library": ("thư viện",),
    "centre": ("trung tâm", "trung tâm học tập cộng đồng", "center"),
    "association": ("hội", "hiệp hội", "đoàn thể", "câu lạc bộ"),
    "other": ("khác",),
}
_UNIT_KIND_WORDS = {fold(word): kind for kind in UNIT_KINDS for word in (kind, *UNIT_KIND_NAMES[kind])}


def check_unit_kind(value: str, unit: str | None = None) -> str:
    """A unit kind in English or Vietnamese ("phường", "Quan", "thị xã") as its English name.

    The error names the unit when given: "unit 'X': kind 'castle' is not one of: ward (phường), ...".
    """
    kind = _UNIT_KIND_WORDS.get(fold(str(value or "")))
    if kind is None:
        shown = ", ".join(f"{k} ({', '.join(UNIT_KIND_NAMES[k][:2])})" for k in UNIT_KINDS)
        what = f"unit {unit!r}: kind" if unit else "unit kind"
        raise InvalidValueError(f"{what} {clean(str(value or ''))!r} is not one of: {shown}")
    return kind


MAX_NAME_CHARS = 200


def _name(value: str, what: str) -> str:
    name = clean(value)
    if not name:
        raise InvalidValueError(f"{what} name is empty")
    if len(name) > MAX_NAME_CHARS:
        raise InvalidValueError(f"{what} name is {len(name)} characters long; at most {MAX_NAME_CHARS}")
    if any(unicodedata.category(ch) in ("Cc", "Cf") for ch in name):
        raise InvalidValueError(f"{what} name {name!r} holds control or invisible characters; retype it")
    if not fold(name):
        raise InvalidValueError(f"{what} name {name!r} needs at least one letter or digit")
    return name


def _country(value: str) -> str:
    code = clean(value).upper()
    if not re.fullmatch(r"[A-Z]{2}", code):
        raise InvalidValueError(f"country {value!r}: give the two-letter ISO code, e.g. VN")
    return code


_CODE = re.compile(r"[A-Z][A-Z0-9]{0,7}")


def derive_code(name: str, taken: set[str] | frozenset[str] = frozenset()) -> str:
    """A short code for a city's evidence ids: "Hà Nội" -> HN, "Ho Chi Minh City" -> HCMC,
    "Vinh" -> VIN; a digit is added when the code is taken."""
    words = [w for w in re.split(r"[\W_]+", strip_marks(name).upper()) if w]
    base = "".join(w[0] for w in words) if len(words) > 1 else (words[0][:3] if words else "C")
    base = (base if base[0].isalpha() else "C" + base)[:6]
    code, n = base, 1
    while code in taken:
        n += 1
        code = f"{base}{n}"
    return code


def _code(value: str) -> str:
    code = clean(value).upper()
    if not _CODE.fullmatch(code):
        raise InvalidValueError(f"city code {value!r}: 1-8 letters or digits starting with a letter, e.g. HN")
    return code


# ---------------------------------------------------------------------------------------------
# Finding things by name


def _match(rows: list[Any], query: str, what: str, hint: str) -> Any:
    """The one row whose name matches ``query``: exact, then folded, then folded substring."""
    wanted = clean(query)
    key = fold(wanted)
    for test in (
        lambda r: r.name == wanted,
        lambda r: r.name_key == key,
        lambda r: bool(key) and key in r.name_key,
    ):
        found = [r for r in rows if test(r)]
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            names = ", ".join(sorted(r.name for r in found))
            raise AmbiguousError(f"{what} {query!r} matches {len(found)}: {names}; give the full name")
    raise NotFoundError(f"no {what} {query!r}; {hint}")


#: Words around a city's name that are not its name, folded: "TP. Hà Nội", "Thành phố Hà Nội",
#: "Ha Noi city", "City of Hanoi", "Tỉnh Nghệ An" are Hà Nội and Nghệ An.
_CITY_PREFIXES = (("thanh", "pho"), ("tp",), ("city", "of"), ("tinh",))
_CITY_SUFFIXES = (("city",),)


def city_key(name: str) -> str:
    """A city name's matching key without "TP.", "Thành phố", "city"...: "TP. Hà Nội" -> "hanoi"."""
    words = [w for w in re.split(r"[\W_]+", fold_words(name)) if w]
    for prefix in _CITY_PREFIXES:
        if len(words) > len(prefix) and tuple(words[:len(prefix)]) == prefix:
            words = words[len(prefix):]
            break
    for suffix in _CITY_SUFFIXES:
        if len(words) > len(suffix) and tuple(words[-len(suffix):]) == suffix:
            words = words[:-len(suffix)]
            break
    return "".join(words)


def find_city(session: Session, name: str, shown: set[int] | None = None) -> City:
    """The city a typed name means: its name however spelt ("Ha Noi", "TP. Hà Nội", "Thành phố
    Hà Nội", "Hanoi city"), or its code ("HN"); nothing found, a "did you mean" from the names
    (of the cities whose ids are in ``shown`` only, when given: a person is not told the names of
    cities they may not read).

    The one resolver of city names: every command and import that takes a city goes through it.
    """
    import difflib

    cities = list(session.exec(select(City)))
    wanted = clean(name)
    core = city_key(wanted)
    for test in (lambda c: c.name == wanted or c.name_key == fold(wanted),
                 lambda c: bool(core) and city_key(c.name) == core,
                 lambda c: c.code == wanted.upper()):
        found = [c for c in cities if test(c)]
        if len(found) == 1:
            return found[0]
    if not cities:
        raise NotFoundError(f"no city {name!r}; the workspace has no city yet: "
                            'add one with `readiness city add "Hà Nội" --country VN`')
    named = [c for c in cities if shown is None or c.id in shown]
    by_key = {city_key(c.name): c.name for c in named}
    close = difflib.get_close_matches(core, list(by_key), n=3, cutoff=0.7) if core else []
    if close and not any(core and core in city_key(c.name) for c in cities):
        raise NotFoundError(f"no city named {name!r}; did you mean {' or '.join(by_key[k] for k in close)}?")
    return _match(cities, name, "city", "known: " + (", ".join(sorted(c.name for c in named)) or "none of yours"))


def city_for(session: Session, actor: Actor, name: str, right: Right) -> City:
    """The city a typed name means (``find_city``), once ``actor`` is known to hold ``right`` in it.

    The entry check of every use case that acts on one city: a person signed out is refused
    before the name is even looked up, one without the right once it is found.
    """
    require_signed_in(session, actor)
    city = find_city(session, name, readable_cities(session, actor))
    require(session, actor, right, Scope(city.id), what=f"in {city.name}")
    return city


def find_unit(session: Session, city: City, name: str) -> Unit:
    units = list(session.exec(select(Unit).where(Unit.city_id == city.id)))
    return _match(units, name, f"unit of {city.name}", f"see `readiness unit list --city {city.name!r}`")


# ---------------------------------------------------------------------------------------------
# Cities


def add_city(ws: Workspace, actor: Actor, name: str, country: str, code: str | None = None) -> City:
    """Add a city for ``actor``; its name must differ from every other city's however it is spelt.

    ``code`` starts its evidence ids (HN-0001); by default it is made from the name.
    """
    with ws.session() as session:
        require(session, actor, Right.ADMINISTER)
        return add_city_in(session, actor, name, country, code)


def add_city_in(session: Session, actor: Actor, name: str, country: str, code: str | None = None, *,
                audit: bool = True) -> City:
    """``add_city`` inside a transaction the caller holds (import adds cities with records).

    ``audit=False`` when the caller restores the city's own history (an exported zip).
    """
    name, country = _name(name, "city"), _country(country)
    key = fold(name)
    clash = session.exec(select(City).where(City.name_key == key)).first()
    if clash is not None:
        raise InvalidValueError(f"a city {clash.name!r} is already in the workspace; "
                                "names must differ beyond accents and case")
    taken = set(session.exec(select(City.code)).all())
    if code is not None:
        code = _code(code)
        if code in taken:
            raise InvalidValueError(f"city code {code} is taken by another city; choose another with --code")
    else:
        code = derive_code(name, taken)
    city = City(name=name, name_key=key, code=code, country=country, profile={})
    session.add(city)
    session.flush()
    if audit:
        record_event(session, actor, "city.add", "city", city.id, city.id, None, snapshot(city))
    return city


def list_cities(ws: Workspace, actor: Actor) -> list[City]:
    """Every city in the workspace that ``actor`` may read, by name."""
    with ws.reading() as session:
        readable = readable_cities(session, actor)
        query = select(City).order_by(col(City.name))
        if readable is not None:
            query = query.where(col(City.id).in_(readable))
        return list(session.exec(query))


def city_json(city: City) -> dict[str, Any]:
    """A city as ``city list --format json`` gives it: its columns, without the matching key."""
    return row_json(city, exclude=("name_key",))


@dataclass
class CityDetail:
    """A city with its profile (as ``profile.describe`` gives it) and its units as a tree."""

    city: City
    profile: list[dict[str, Any]]
    units: list[UnitNode] = field(default_factory=list)

    @property
    def not_set(self) -> list[str]:
        """The profile fields with no value: the holes to fill from a source, never to guess."""
        present = {"challenges" if r["field"].startswith("challenge.") else r["field"] for r in self.profile}
        return [name for name in profile_fields.PROFILE_FIELDS if name not in present]

    def as_json(self) -> dict[str, Any]:
        return {
            **snapshot(self.city),
            "profile_fields": self.profile,
            "profile_not_set": self.not_set,
            "units": [u.as_json() for u in self.units],
        }


def show_city(ws: Workspace, actor: Actor, name: str) -> CityDetail:
    """A city's profile and units; the name matches however it is typed (``find_city``)."""
    with ws.session() as session:
        city = city_for(session, actor, name, Right.READ)
        return CityDetail(city, profile_fields.describe(city.profile), _unit_tree(session, city))


def set_profile(
    ws: Workspace,
    actor: Actor,
    name: str,
    field_name: str,
    value: str | None,
    *,
    year: int | None = None,
    lang: str = "en",
    source: str | None = None,
) -> CityDetail:
    """Set (or, with ``value=None``, clear) one profile field of a city; ``source`` says where
    the value comes from (a web address or a citation)."""
    with ws.session() as session:
        city = city_for(session, actor, name, Right.MANAGE_CITY)
        changed = profile_fields.apply(city.profile, field_name, value, year=year, lang=lang, source=source)
        if changed != city.profile:  # setting what is there already is no change to log
            before = snapshot(city)
            city.profile = changed
            city.updated_at = utcnow()
            session.add(city)
            session.flush()
            record_event(session, actor, "city.set" if value is not None else "city.clear",
                         "city", city.id, city.id, before, snapshot(city))
        return CityDetail(city, profile_fields.describe(city.profile), _unit_tree(session, city))


# ---------------------------------------------------------------------------------------------
# Units


@dataclass
class UnitNode:
    unit: Unit
    children: list[UnitNode] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.unit.id,
            "name": self.unit.name,
            "kind": self.unit.kind,
            "units": [c.as_json() for c in self.children],
        }


def _unit_tree(session: Session, city: City) -> list[UnitNode]:
    units = session.exec(select(Unit).where(Unit.city_id == city.id).order_by(col(Unit.name))).all()
    nodes = {u.id: UnitNode(u) for u in units}
    roots: list[UnitNode] = []
    for u in units:
        (nodes[u.parent_id].children if u.parent_id in nodes else roots).append(nodes[u.id])
    return roots


def add_unit(ws: Workspace, actor: Actor, city_name: str, name: str, kind: str, parent: str | None = None) -> Unit:
    """Add a ward, commune, agency... to a city, optionally under another unit."""
    name = _name(name, "unit")
    kind = check_unit_kind(kind)
    with ws.session() as session:
        city = city_for(session, actor, city_name, Right.MANAGE_CITY)
        parent_unit = find_unit(session, city, parent) if parent else None
        unit = add_unit_in(session, actor, city, name, kind, parent_unit)
    return unit


def add_unit_in(session: Session, actor: Actor, city: City, name: str, kind: str, parent: Unit | None = None, *,
                audit: bool = True) -> Unit:
    """``add_unit`` inside a transaction the caller holds, for a city (and parent) it has found
    (import adds units with records). ``audit=False`` when the caller restores the unit's own
    history (an exported zip)."""
    name = _name(name, "unit")
    kind = check_unit_kind(kind)
    parent_id = parent.id if parent else None
    key = fold(name)
    siblings = session.exec(select(Unit).where(Unit.city_id == city.id, Unit.parent_id == parent_id)).all()
    if any(s.name_key == key for s in siblings):
        where = f"under {parent.name}" if parent else f"at the top of {city.name}"
        raise InvalidValueError(f"a unit named {name!r} is already {where}")
    assert city.id is not None  # a stored city
    unit = Unit(city_id=city.id, parent_id=parent_id, name=name, name_key=key, kind=kind)
    session.add(unit)
    session.flush()
    if audit:
        record_event(session, actor, "unit.add", "unit", unit.id, city.id, None, snapshot(unit))
    return unit


@dataclass
class CityUnits:
    """A city (as the workspace spells it) and its units as a tree."""

    city: City
    units: list[UnitNode] = field(default_factory=list)


def list_units(ws: Workspace, actor: Actor, city_name: str) -> CityUnits:
    """A city's units as a tree, each level by name."""
    with ws.reading() as session:
        city = city_for(session, actor, city_name, Right.READ)
        return CityUnits(city, _unit_tree(session, city))


# ---------------------------------------------------------------------------------------------
# The audit log


def audit_log(ws: Workspace, actor: Actor, city_name: str | None = None, limit: int = 50,
              record: str | None = None) -> list[AuditEvent]:
    """The newest audit events first, for one city or all, or for one evidence record.

    ``record`` (``HN-0010``) finds a record's events by its id, also after it was removed.

    A city's events need the right to read it; a record's, to read its city. Without either the
    log holds the events of the cities ``actor`` may read, and the workspace's own events (of no
    city) only for those who administer it.
    """
    from readiness.evidence import events_of, format_code, parse_code
    from readiness.store.models import Evidence

    with ws.reading() as session:
        require_signed_in(session, actor)
        query = select(AuditEvent)
        if record:
            code = format_code(*parse_code(record))
            live = session.exec(select(Evidence.id).where(Evidence.code == code)).first()
            query = events_of(code, live)
            first = session.exec(query.limit(1)).first()
            if first is not None and not may(session, actor, Right.READ, Scope(first.city_id)):
                # a record of a city one may not read is answered as one that never was (find_evidence)
                raise NotFoundError(f"no evidence {code} in the audit log; see `readiness evidence list`")
        if city_name:
            query = query.where(AuditEvent.city_id == city_for(session, actor, city_name, Right.READ).id)
        elif not record and not may(session, actor, Right.ADMINISTER):
            readable = readable_cities(session, actor)
            query = query.where(col(AuditEvent.city_id).in_(readable) if readable is not None
                                else col(AuditEvent.city_id).is_not(None))
        query = query.order_by(col(AuditEvent.id).desc()).limit(limit)
        events = list(session.exec(query))
        if record and not events:
            raise NotFoundError(f"no evidence {code} in the audit log; see `readiness evidence list`")
        return events
