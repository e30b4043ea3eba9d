"""``readiness city ...`` and ``readiness unit ...``: the city, its profile and its units."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from readiness import profile as profile_fields
from readiness.cli.options import (
    CONTEXT,
    actor_of,
    format_option,
    lang_option,
    open_workspace,
    workspace_options,
)
from readiness.cli.output import note

if TYPE_CHECKING:
    from readiness.config import Settings


@click.group(context_settings=CONTEXT)
def city() -> None:
    """Cities in the workspace and their application profile."""


@city.command("add")
@click.argument("name")
@click.option("--country", required=True, help="Two-letter ISO code, e.g. VN.")
@click.option("--code", help="Short code that starts its evidence ids (HN for HN-0001); "
              "made from the name if not given.")
@workspace_options
def city_add(name: str, country: str, code: str | None, settings: Settings) -> None:
    """Add a city to the workspace.

    \b
    Example:
      readiness city add "Hà Nội" --country VN --code HN
    """
    from readiness.cities import add_city

    with open_workspace(settings) as ws:
        added = add_city(ws, actor_of(settings, ws), name, country, code)
    note(f"added city {added.name} ({added.country}); its evidence ids start {added.code}-")


@city.command("list")
@workspace_options
@format_option
def city_list(settings: Settings, fmt: str) -> None:
    """List the cities in the workspace.

    \b
    Example:
      readiness city list --format json
    """
    from readiness.cities import city_json, list_cities
    from readiness.cli import output

    with open_workspace(settings) as ws:
        cities = list_cities(ws, actor_of(settings, ws))
    if fmt == "json":
        output.emit_json([city_json(c) for c in cities])
    elif not cities:
        note('no cities yet; add one with: readiness city add "Hà Nội" --country VN')
    else:
        output.table(("NAME", "COUNTRY", "PROFILE FIELDS", "UPDATED"),
                     [(c.name, c.country, len(c.profile), f"{c.updated_at:%Y-%m-%d}") for c in cities])


@city.command("show")
@click.argument("name")
@workspace_options
@format_option
def city_show(name: str, settings: Settings, fmt: str) -> None:
    """Show a city's profile and units. The name matches with or without accents.

    \b
    Example:
      readiness city show "Ha Noi"
    """
    from readiness.cities import show_city
    from readiness.cli import output

    with open_workspace(settings) as ws:
        detail = show_city(ws, actor_of(settings, ws), name)
    if fmt == "json":
        output.emit_json(detail.as_json())
    else:
        output.city_detail(detail)


@city.command("set", epilog="Fields: " + profile_fields.help_text())
@click.argument("name")
@click.argument("field")
@click.argument("value", required=False)
@click.option("--year", type=int, help="Year the figure's data is from (figures only).")
@lang_option("Language of a text field.", choices=None)
@click.option("--from-file", "from_file", type=click.Path(dir_okay=False),
              help="Read a text field from a UTF-8 file (motivation, implementation).")
@click.option("--clear", is_flag=True, help="Remove the field's value (and its source).")
@click.option("--source", help="Where the value comes from: a web address or a citation.")
@workspace_options
@format_option
def city_set(name: str, field: str, value: str | None, year: int | None, lang: str,
             from_file: str | None, clear: bool, source: str | None, settings: Settings, fmt: str) -> None:
    """Set one profile field of a city (the facts the GNLC form asks for, and the state of its
    application and membership).

    The verdict of the application form reads the dates: ready to send to the National
    Commission, sent (sent_to_national_commission), endorsed (endorsed_on), member
    (member_since). The Learning City Award reads member_since and learning_city_award_year.

    \b
    Example:
      readiness city set Hanoi population 8435700 --year 2022 --source https://...
      readiness city set Hanoi motivation --from-file motivation.txt
      readiness city set Hanoi challenge.literacy 3
      readiness city set Hanoi sent_to_national_commission 15/05/2025
      readiness city set Hanoi member_since 04/12/2025
      readiness city set Hanoi website --clear
    """
    from readiness.cities import set_profile
    from readiness.cli import output

    value = _profile_value(field, value, from_file, clear)
    with open_workspace(settings) as ws:
        detail = set_profile(ws, actor_of(settings, ws), name, field, value, year=year, lang=lang, source=source)
    if fmt == "json":
        output.emit_json(detail.as_json())
    else:
        note(f"{'cleared' if clear else 'set'} {field} of {detail.city.name}")


def _profile_value(field: str, value: str | None, from_file: str | None, clear: bool) -> str | None:
    """The value ``city set`` was given: on the line, read from a file, or None to clear (exactly one)."""
    from readiness.errors import InvalidValueError
    from readiness.text import read_text_file

    given = sum(x is not None for x in (value, from_file)) + clear
    if given != 1:
        raise InvalidValueError(f"{field}: give a VALUE, --from-file PATH or --clear (exactly one)")
    if from_file is not None:
        return read_text_file(from_file)
    return None if clear else value


@click.group(context_settings=CONTEXT)
def unit() -> None:
    """Wards, communes, districts, agencies and other units of a city, at any depth."""


@unit.command("add")
@click.argument("name")
@click.option("--city", "city_name", required=True, help="The city the unit belongs to.")
@click.option("--kind", required=True, help="ward, commune, district, town, agency, school, "
              "library, centre, association or other; or in Vietnamese: phường, xã, quận, huyện, "
              "thị xã, sở, trường, thư viện, trung tâm, hội (accents optional).")
@click.option("--parent", help="The unit it sits under, if any.")
@workspace_options
def unit_add(name: str, city_name: str, kind: str, parent: str | None, settings: Settings) -> None:
    """Add a unit to a city.

    \b
    Example:
      readiness unit add "Sở Giáo dục và Đào tạo" --city Hanoi --kind agency
      readiness unit add "Phường Hoàn Kiếm" --city Hanoi --kind ward
    """
    from readiness.cities import add_unit

    with open_workspace(settings) as ws:
        added = add_unit(ws, actor_of(settings, ws), city_name, name, kind, parent)
    note(f"added {added.kind} {added.name}")


@unit.command("list")
@click.option("--city", "city_name", required=True, help="The city whose units to list.")
@workspace_options
@format_option
def unit_list(city_name: str, settings: Settings, fmt: str) -> None:
    """List a city's units as a tree.

    \b
    Example:
      readiness unit list --city "Hà Nội"
    """
    from readiness.cities import list_units
    from readiness.cli import output

    with open_workspace(settings) as ws:
        found = list_units(ws, actor_of(settings, ws), city_name)
    if fmt == "json":
        output.emit_json([n.as_json() for n in found.units])
    else:
        click.echo(found.city.name)
        output.unit_lines(found.units)
