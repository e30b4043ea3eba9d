"""The catalogue: every framework a command can see, by id, with where each came from."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from readiness.errors import AmbiguousError, InvalidValueError, UnknownFrameworkError
from readiness.frameworks.schema import Criterion, Framework, Topic
from readiness.text import clean, split_ref

# ---------------------------------------------------------------------------------------------
# The catalogue: every framework a command can see


@dataclass(frozen=True)
class Entry:
    framework: Framework
    path: Path
    origin: str  # "bundled", "workspace" or "given"


@dataclass
class Catalogue:
    """Frameworks by id, with where each came from; later folders override earlier ones."""

    entries: dict[str, Entry] = field(default_factory=dict)

    def ids(self) -> list[str]:
        return list(self.entries)

    def get(self, framework_id: str) -> Framework:
        entry = self.entries.get(framework_id)
        if entry is None:
            raise UnknownFrameworkError(framework_id, self.ids())
        return entry.framework

    def suggested(self) -> tuple[str, ...]:
        """The frameworks whose criteria are suggested for a document when none is named.

        Those whose file says ``suggest: N``, by N (bundled: kflc, then guidelines); the one
        place that default is decided. When no file says it (a city's copy of kflc.yaml made
        before ``suggest:`` existed replaces the bundled one), every framework with criteria,
        by id, rather than none: suggestions never go quiet because of a missing key."""
        marked = [e.framework for e in self.entries.values() if e.framework.suggest is not None]
        if not marked:
            return tuple(sorted(e.framework.id for e in self.entries.values() if e.framework.criteria))
        return tuple(fw.id for fw in sorted(marked, key=lambda fw: fw.suggest or 0))

    def summary(self, lang: str) -> list[dict[str, Any]]:
        """Each framework in a line of data, as ``readiness criteria list --format json`` gives it."""
        rows = []
        for entry in self:
            fw = entry.framework
            src = fw.sources[0]
            rows.append({
                "id": fw.id,
                "name": fw.name.get(lang),
                "version": fw.version,
                "status": fw.status,
                "areas": len(fw.leaf_areas()),
                "criteria": len(fw.criteria),
                "source": ", ".join(str(p) for p in (src.publisher or src.title, src.year) if p),
                "origin": entry.origin,
                "path": str(entry.path),
            })
        return rows

    def letters(self, framework_id: str) -> list[str]:
        """The criteria of a framework that are signed letters for the dossier (``letter: true``)."""
        entry = self.entries.get(framework_id)
        return entry.framework.letters() if entry else []

    def rating_topics(self, field_name: str) -> list[str]:
        """The topics (ids) that criteria rating a profile field (``check: ratings``) list, each once."""
        return list(self.rating_topic_titles(field_name))

    def rating_topic_titles(self, field_name: str) -> dict[str, Topic]:
        """The topics that criteria rating a profile field list, each once, by id, with their titles
        (``topic.label(lang)`` is what a person reads in place of the id: "Xóa mù chữ", not ``literacy``)."""
        topics: dict[str, Topic] = {}
        for entry in self.entries.values():
            for criterion in entry.framework.criteria.values():
                if criterion.profile is not None and field_name in criterion.profile.fields:
                    for topic in criterion.profile.topics:
                        if topic.id not in topics or topics[topic.id].title is None:
                            topics[topic.id] = topic
        return topics

    def topic_label(self, field_name: str, topic_id: str, lang: str) -> str:
        """A rated topic as a person reads it in ``lang``: its title, else its id."""
        topic = self.rating_topic_titles(field_name).get(topic_id)
        return topic.label(lang) if topic is not None else topic_id

    def resolve(self, ref: str) -> Criterion | None:
        """The criterion a ``framework:criterion`` reference names, or None."""
        framework_id, criterion_id = split_ref(ref)
        entry = self.entries.get(framework_id)
        return entry.framework.criteria.get(criterion_id) if entry else None

    def qualify(self, ref: str, *, areas: bool = False, framework_ids: Iterable[str] = ()) -> str:
        """The ``framework:criterion`` reference a typed one names, checked; the one resolver of refs.

        ``kflc:2.6.1`` must exist as written. An id without its framework (``2.6.1``, ``G3.1``)
        is taken when exactly one framework in play (``framework_ids``, else every one) has a
        criterion by that id (case ignored if nothing matches exactly); when several do, the
        error lists them. ``areas`` accepts an area's id too (evidence links take areas). Raises
        InvalidValueError (no such criterion, no such framework) or AmbiguousError.
        """
        text = clean(str(ref or ""))
        what = "criterion or area" if areas else "criterion"
        if len(text) > 200 or not text:
            raise InvalidValueError(f"{text[:40]!r}: not a criterion; write framework:criterion, e.g. kflc:2.6.1")
        in_play = [self.entries[i].framework for i in framework_ids if i in self.entries] or \
            [e.framework for e in self.entries.values()]

        def ids(fw: Framework) -> set[str]:
            return set(fw.criteria) | ({a.id for a in fw.all_areas()} if areas else set())

        framework_id, item = split_ref(text)
        if framework_id:
            if framework_id not in self.entries:
                raise InvalidValueError(f"{text!r}: no framework {framework_id!r}; known: {', '.join(self.ids())}")
            if item not in ids(self.entries[framework_id].framework):
                raise InvalidValueError(f"{text!r}: {framework_id} has no {what} {item!r}; "
                                        f"see `readiness criteria show {framework_id}`")
            return text
        found = [f"{fw.id}:{text}" for fw in in_play if text in ids(fw)]
        if not found:
            found = [f"{fw.id}:{i}" for fw in in_play for i in sorted(ids(fw)) if i.casefold() == text.casefold()]
        if len(found) == 1:
            return found[0]
        if found:
            raise AmbiguousError(f"{text!r} is a {what} of {len(found)} frameworks: {', '.join(found)}; "
                                 "give one of them")
        known = ", ".join(fw.id for fw in in_play) or "any framework"
        raise InvalidValueError(f"{text!r}: no {what} by that id in {known}; "
                                "write framework:criterion, e.g. kflc:2.6.1 (see `readiness criteria show`)")

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries.values())

    def __len__(self) -> int:
        return len(self.entries)
