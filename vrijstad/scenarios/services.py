"""Staff save, change, copy, recompute and delete scenarios of their organisation's areas.

Rules:
* A scenario belongs to one area; only staff of the area's organisation (or platform admins)
  see or change it. Its name is given and unique within the area.
* Every street of the area has exactly one zone (core, approach, transformation) and at least
  one street is core; a street of another area, or a zone that is not one of the three, is
  refused with the field it came from, and nothing is written.
* A new scenario starts from the streets' grades: A1 and A2 core, B1 and B2 approach, C
  transformation; staff only adjust.
* Saving computes the figures from the day's data and stores them with that day; they change
  only when staff recompute, so that a comparison shows what each scenario said and when.
"""

from dataclasses import dataclass, field

import sqlalchemy as sa

from vrijstad import clock
from vrijstad.areas.models import Area, StreetGrade
from vrijstad.audit.services import record_event
from vrijstad.auth.models import User
from vrijstad.core import DomainError
from vrijstad.extensions import db
from vrijstad.i18n import gettext as _
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.organisations.services import can_manage
from vrijstad.scenarios import figures
from vrijstad.scenarios.models import Scenario, ScenarioZone, Zone

NAME_LENGTH = 120
#: A comparison shows this many scenarios side by side, at least and at most.
COMPARE_MIN, COMPARE_MAX = 2, 4

#: The zone a new scenario gives a street of each grade.
DEFAULT_ZONES = {
    StreetGrade.A1: Zone.CORE,
    StreetGrade.A2: Zone.CORE,
    StreetGrade.B1: Zone.APPROACH,
    StreetGrade.B2: Zone.APPROACH,
    StreetGrade.C: Zone.TRANSFORMATION,
}


class ScenarioError(DomainError):
    """A scenario is refused; ``field`` names the form field."""


@dataclass
class ScenarioData:
    """What staff submit: a name, a note, and per street (its id as text) a zone (as text)."""

    name: str
    note: str = ""
    zones: dict[str, str] = field(default_factory=dict)


def zone_field(street_id: int | str) -> str:
    """The form field of a street's zone."""
    return f"zone-{street_id}"


def default_zoning(area: Area) -> dict[int, Zone]:
    return {street.id: DEFAULT_ZONES[street.grade] for street in area.streets}


def _require_staff(actor: User, area: Area) -> None:
    if not can_manage(actor, area.organisation_id):
        raise ScenarioError(_l("You do not work for this organisation."))


def _checked(area: Area, data: ScenarioData, scenario: Scenario | None) -> tuple[str, dict]:
    """The name and the zoning (street id → zone), or the first thing wrong with them."""
    name = data.name.strip()
    if not name:
        raise ScenarioError(_l("Give the scenario a name."), "name")
    if len(name) > NAME_LENGTH:
        raise ScenarioError(_l("Keep the name to %(n)d characters.", n=NAME_LENGTH), "name")
    same = sa.select(Scenario.id).where(Scenario.area_id == area.id, Scenario.name == name)
    if scenario is not None:
        same = same.where(Scenario.id != scenario.id)
    if db.session.scalar(same):
        raise ScenarioError(_l("This area already has a scenario with this name."), "name")
    streets = {str(street.id): street.id for street in area.streets}
    zoning: dict[int, Zone] = {}
    for key, value in data.zones.items():
        if key not in streets:
            raise ScenarioError(
                _l("This street is not one of the area's streets."), zone_field(key)
            )
        try:
            zoning[streets[key]] = Zone(value)
        except ValueError:
            raise ScenarioError(
                _l("Choose core shopping area, approach area or transformation area."),
                zone_field(key),
            ) from None
    for key, street_id in streets.items():
        if street_id not in zoning:
            raise ScenarioError(_l("Choose a zone for this street."), zone_field(key))
    if Zone.CORE not in zoning.values():
        raise ScenarioError(_l("Zone at least one street as core shopping area."), "zones")
    return name, zoning


def _set_zones(scenario: Scenario, zoning: dict[int, Zone]) -> None:
    scenario.zones = [ScenarioZone(street_id=i, zone=zone) for i, zone in sorted(zoning.items())]


def compute_figures(actor: User, scenario: Scenario) -> Scenario:
    """Compute the figures from today's data and store them with today's date (flushes)."""
    _require_staff(actor, scenario.area)
    today = clock.today()
    scenario.figures = figures.compute(actor, scenario.area, scenario.zoning, today)
    scenario.computed_on = today
    scenario.computed_at = clock.now()
    db.session.flush()
    return scenario


def create_scenario(actor: User, area: Area, data: ScenarioData) -> Scenario:
    _require_staff(actor, area)
    name, zoning = _checked(area, data, None)
    scenario = Scenario(
        organisation_id=area.organisation_id,
        area=area,
        name=name,
        note=data.note.strip(),
        created_by_id=actor.id,
    )
    _set_zones(scenario, zoning)
    db.session.add(scenario)
    db.session.flush()
    compute_figures(actor, scenario)
    record_event(actor, "scenarios.created", scenario, area.organisation_id, name=name)
    return scenario


def update_scenario(actor: User, scenario: Scenario, data: ScenarioData) -> Scenario:
    """Change the name, note and zoning; the figures are computed anew for the new zoning."""
    _require_staff(actor, scenario.area)
    name, zoning = _checked(scenario.area, data, scenario)
    scenario.name, scenario.note = name, data.note.strip()
    _set_zones(scenario, zoning)
    db.session.flush()
    compute_figures(actor, scenario)
    record_event(actor, "scenarios.updated", scenario, scenario.organisation_id, name=name)
    return scenario


def save_scenario(
    actor: User, area: Area, data: ScenarioData, scenario: Scenario | None = None
) -> Scenario:
    """A new scenario of the area, or the changed one."""
    if scenario is None:
        return create_scenario(actor, area, data)
    return update_scenario(actor, scenario, data)


def recompute_scenario(actor: User, scenario: Scenario) -> Scenario:
    compute_figures(actor, scenario)
    record_event(actor, "scenarios.recomputed", scenario, scenario.organisation_id)
    return scenario


def _free_copy_name(scenario: Scenario) -> str:
    base = _("%(name)s (copy)", name=scenario.name)[:NAME_LENGTH]
    names = set(
        db.session.scalars(sa.select(Scenario.name).where(Scenario.area_id == scenario.area_id))
    )
    name, n = base, 2
    while name in names:
        suffix = f" {n}"
        name, n = base[: NAME_LENGTH - len(suffix)] + suffix, n + 1
    return name


def duplicate_scenario(actor: User, scenario: Scenario) -> Scenario:
    """A copy with the same zoning, note and figures (and the day they were computed)."""
    _require_staff(actor, scenario.area)
    copy = Scenario(
        organisation_id=scenario.organisation_id,
        area_id=scenario.area_id,
        name=_free_copy_name(scenario),
        note=scenario.note,
        created_by_id=actor.id,
        figures=scenario.figures,
        computed_on=scenario.computed_on,
        computed_at=scenario.computed_at,
    )
    _set_zones(copy, scenario.zoning)
    db.session.add(copy)
    db.session.flush()
    record_event(actor, "scenarios.duplicated", copy, copy.organisation_id, source=scenario.id)
    return copy


def delete_scenario(actor: User, scenario: Scenario) -> None:
    _require_staff(actor, scenario.area)
    record_event(actor, "scenarios.deleted", scenario, scenario.organisation_id, name=scenario.name)
    db.session.delete(scenario)
    db.session.flush()


def scenarios_of(area: Area) -> list[Scenario]:
    query = sa.select(Scenario).where(Scenario.area_id == area.id).order_by(Scenario.name)
    return list(db.session.scalars(query))


def comparison(area: Area, ids: list[str]) -> list[Scenario]:
    """The chosen scenarios of the area, in the order of their names (2 to 4 of them)."""
    chosen = {int(i) for i in ids if i.isdigit()}
    found = [s for s in scenarios_of(area) if s.id in chosen]
    if len(found) != len(chosen) or not COMPARE_MIN <= len(found) <= COMPARE_MAX:
        raise ScenarioError(_l("Choose two to four scenarios of this area to compare."), "ids")
    return found
