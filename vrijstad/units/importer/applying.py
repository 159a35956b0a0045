"""Creating the units of a checked upload, all or none, with progress for a background job."""

from dataclasses import dataclass, field

from flask_babel import LazyString

from vrijstad import jobs
from vrijstad.audit.services import record_event
from vrijstad.auth.models import User
from vrijstad.extensions import db
from vrijstad.i18n import gettext as _
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.organisations.models import Organisation
from vrijstad.organisations.services import can_manage
from vrijstad.relations.services import link_unit, owner_relation
from vrijstad.units import services
from vrijstad.units.importer.checking import Planned, RowCheck, RowContext, check_columns
from vrijstad.units.importer.reading import Row, RowError
from vrijstad.units.models import Unit, UnitStatus

PROGRESS_CHUNK = 100  # rows between two progress reports of an import job


@dataclass
class ImportResult:
    units: list[Unit] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def import_units(actor: User, organisation: Organisation, rows: list[Row]) -> ImportResult:
    """Create a unit per row, or none: every row is checked before the first is created.

    Each owner becomes a relation of the organisation, with the units; an owner without an
    account is invited from there, and the units are held (without owner) until claimed."""
    if not can_manage(actor, organisation.id):
        raise services.UnitError(_("You do not work for this organisation."))
    errors = check_columns(rows)
    if errors:
        return ImportResult(errors=errors)
    context = RowContext(organisation)
    planned: list[Planned] = []
    for done, row in enumerate(rows, start=1):
        check = RowCheck(row, context)
        plan = check.check()
        if plan is not None:
            planned.append(plan)
        errors += check.errors
        _progress(
            done, len(rows), 0, _l("Checking row %(done)d of %(total)d", done=done, total=len(rows))
        )
    if errors:
        return ImportResult(errors=errors)
    units: list[Unit] = []
    for done, plan in enumerate(planned, start=1):
        unit = _create(actor, plan)
        link_unit(owner_relation(organisation.id, plan.owner_email, plan.owner), unit)
        units.append(unit)
        _progress(
            done,
            len(planned),
            50,
            _l("Creating unit %(done)d of %(total)d", done=done, total=len(planned)),
        )
    record_event(actor, "units.imported", organisation, organisation.id, count=len(units))
    db.session.flush()
    return ImportResult(units=units)


def _progress(done: int, total: int, start: int, message: LazyString) -> None:
    """Report each chunk of rows to a background job (checking: 0–50 %, creating: 50–100 %)."""
    if done % PROGRESS_CHUNK == 0 or done == total:
        jobs.set_progress(start + 50 * done / total, message)


def _create(actor: User, plan: Planned) -> Unit:
    data = dict(plan.data)
    available_from = data.pop("available_from")
    unit = services.create_unit(actor, plan.owner, data)
    # create_unit refuses an availability date in the past for a new listing, but an import
    # brings in existing stock that may have been free for a while: keep the date as given.
    unit.available_from = available_from
    if plan.status == UnitStatus.LISTED:
        services.change_status(actor, unit, UnitStatus.LISTED)
    return unit
