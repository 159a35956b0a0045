"""The vacancy bylaw (leegstandsverordening, Leegstandwet art. 3–5) for an organisation whose
municipality has one.

* The **reporting duty**: a unit vacant for six months (counted from its ``vacant_since``,
  the same day six months later: ``report_due_on``) must be reported by its owner. Staff may
  send a reminder of the duty, and record the report with its date and how it came in.
* The **consultation**: after the report (or without one, once the municipality knows of the
  vacancy) the owner is invited to consult about the use, on a date; within three months of
  the report is the legal term (``CONSULT_MONTHS``).
* The **escalation**: from twelve months vacant, after the consultation date, the municipality
  may propose a user (``escalation_from``).

Each step is a stage of the case (``BYLAW_FLOW``); a case is opened by the first step and
closed when the unit is let (a listener on the unit's status). Many municipalities have no
bylaw: an organisation without one has no cases and no tasks.
"""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from vrijstad import clock
from vrijstad.audit.services import record_event
from vrijstad.auth.models import User
from vrijstad.bylaw.models import (
    BYLAW_FLOW,
    BylawCase,
    BylawStage,
    ReportChannel,
    VacancyBylaw,
)
from vrijstad.clock import add_months
from vrijstad.core import DomainError, TransitionError
from vrijstad.extensions import db
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.labels import label
from vrijstad.organisations.models import Organisation
from vrijstad.units import events
from vrijstad.units.models import Unit, UnitStatus

#: Months of vacancy after which the owner must report it.
REPORT_MONTHS = 6
#: Months after the report within which the owner is invited to consult.
CONSULT_MONTHS = 3
#: Months of vacancy from which the municipality may propose a user.
ESCALATION_MONTHS = 12
#: Days an owner has to report after a reminder before staff chase it.
REMINDER_DAYS = 14
#: Statuses in which a unit does not stand empty (let), or is off the stock (withdrawn).
NOT_VACANT = (UnitStatus.LET, UnitStatus.WITHDRAWN)


class BylawError(DomainError):
    """A step of the bylaw that cannot be taken (yet)."""


def report_due_on(vacant_since: date) -> date:
    """The day the owner must have reported: six months after the vacancy began."""
    return add_months(vacant_since, REPORT_MONTHS)


def escalation_from(vacant_since: date) -> date:
    """The first day the municipality may propose a user: twelve months vacant."""
    return add_months(vacant_since, ESCALATION_MONTHS)


def latest_start(day: date, months: int) -> date:
    """The last first day of a vacancy that is ``months`` months old on ``day`` (the inverse
    of add_months, month ends included: on 28 February 2027, 31 August 2026 is six months)."""
    back = add_months(day, -months)
    return clock.month_end(back) if day == clock.month_end(day) else back


def consult_due_on(reported_on: date) -> date:
    """The last day to invite the owner to consult: three months after the report."""
    return add_months(reported_on, CONSULT_MONTHS)


def is_vacant(unit: Unit) -> bool:
    return unit.status not in NOT_VACANT and unit.vacant_since is not None


@dataclass(frozen=True)
class Clock:
    """Where a unit's vacancy stands against the bylaw on a day."""

    vacant_since: date
    today: date

    @property
    def report_due_on(self) -> date:
        return report_due_on(self.vacant_since)

    @property
    def escalation_from(self) -> date:
        return escalation_from(self.vacant_since)

    @property
    def duty_applies(self) -> bool:
        return self.today >= self.report_due_on

    @property
    def may_escalate(self) -> bool:
        return self.today >= self.escalation_from


def clock_of(unit: Unit, today: date) -> Clock | None:
    """The unit's bylaw clock, or None when it is not vacant (let, withdrawn, no start)."""
    if not is_vacant(unit):
        return None
    assert unit.vacant_since is not None
    return Clock(unit.vacant_since, today)


def bylaw_of(organisation_id: int | None) -> VacancyBylaw | None:
    if organisation_id is None:
        return None
    return db.session.scalar(
        sa.select(VacancyBylaw).where(VacancyBylaw.organisation_id == organisation_id)
    )


def save_bylaw(
    actor: User, organisation: Organisation, municipality: str, in_force_since: date
) -> VacancyBylaw:
    """Record (or correct) the bylaw in force where the organisation works."""
    bylaw = bylaw_of(organisation.id)
    if bylaw is None:
        bylaw = VacancyBylaw(organisation_id=organisation.id)
        db.session.add(bylaw)
    bylaw.municipality = municipality.strip()
    bylaw.in_force_since = in_force_since
    db.session.flush()
    record_event(
        actor,
        "bylaw.saved",
        bylaw,
        organisation.id,
        municipality=bylaw.municipality,
        in_force_since=in_force_since.isoformat(),
    )
    return bylaw


def organisation_of(unit: Unit) -> int | None:
    return unit.area.organisation_id if unit.area else None


def open_case(unit: Unit) -> BylawCase | None:
    """The unit's open case, if any."""
    return db.session.scalar(
        sa.select(BylawCase).where(
            BylawCase.unit_id == unit.id, BylawCase.stage != BylawStage.CLOSED
        )
    )


def _case_to_act_on(unit: Unit, today: date) -> tuple[BylawCase, Clock]:
    """The unit's open case (opened now if need be), once the reporting duty applies."""
    organisation_id = organisation_of(unit)
    if bylaw_of(organisation_id) is None:
        raise BylawError(_l("No vacancy bylaw is in force for this unit's area."))
    spell = clock_of(unit, today)
    if spell is None:
        raise BylawError(_l("The unit is not vacant: the bylaw does not apply."))
    if not spell.duty_applies:
        raise BylawError(
            _l("The reporting duty starts on %(date)s, six months after the vacancy began."),
            date=spell.report_due_on,
        )
    case = open_case(unit)
    if case is None:
        assert organisation_id is not None
        case = BylawCase(
            unit_id=unit.id,
            organisation_id=organisation_id,
            vacant_since=spell.vacant_since,
            stage=BylawStage.REPORT_DUE,
        )
        db.session.add(case)
        db.session.flush()
    return case, spell


def _move(actor: User | None, case: BylawCase, target: BylawStage, **data: object) -> None:
    """Move the case along the workflow (refused with the reason) and record the step."""
    try:
        previous = BYLAW_FLOW.move(case, target)
    except TransitionError as exc:
        raise BylawError(
            _l("A case that is %(current)s cannot become %(target)s."),
            current=label(case.stage),
            target=label(target),
        ) from exc
    db.session.flush()
    record_event(
        actor,
        "bylaw.stage",
        case,
        case.organisation_id,
        old=previous.value,
        new=target.value,
        **data,
    )


def remind_owner(actor: User, unit: Unit, today: date) -> BylawCase:
    """Remind the owner of the reporting duty (the letter is made from the case)."""
    case, _spell = _case_to_act_on(unit, today)
    if case.stage != BylawStage.REPORT_DUE:
        raise BylawError(_l("No reminder: the case is %(stage)s already."), stage=label(case.stage))
    case.reminded_on = today
    db.session.flush()
    record_event(actor, "bylaw.reminded", case, case.organisation_id)
    return case


def record_report(
    actor: User, unit: Unit, reported_on: date, via: ReportChannel, today: date
) -> BylawCase:
    """Record the owner's report of the vacancy: on which day, and how it came in."""
    case, spell = _case_to_act_on(unit, today)
    if reported_on > today:
        raise BylawError(_l("A report cannot be dated in the future."), field="reported_on")
    if reported_on < spell.vacant_since:
        raise BylawError(
            _l("A report cannot be dated before the vacancy began (%(date)s)."),
            field="reported_on",
            date=spell.vacant_since,
        )
    _move(actor, case, BylawStage.REPORTED, reported_on=reported_on.isoformat(), via=via.value)
    case.reported_on = reported_on
    case.reported_via = via
    db.session.flush()
    return case


def invite_to_consult(actor: User, unit: Unit, consult_on: date, today: date) -> BylawCase:
    """Invite the owner to consult about the unit's use, on a date from today."""
    case, _spell = _case_to_act_on(unit, today)
    if consult_on < today:
        raise BylawError(_l("The consultation cannot be in the past."), field="consult_on")
    _move(actor, case, BylawStage.CONSULT_INVITED, consult_on=consult_on.isoformat())
    case.invited_on = today
    case.consult_on = consult_on
    db.session.flush()
    return case


def escalate(actor: User, unit: Unit, today: date) -> BylawCase:
    """After twelve months vacant and the consultation: the municipality may propose a user."""
    case, spell = _case_to_act_on(unit, today)
    if not spell.may_escalate:
        raise BylawError(
            _l("Escalation is possible from %(date)s, twelve months after the vacancy began."),
            date=spell.escalation_from,
        )
    if case.consult_on is not None and case.consult_on > today:
        raise BylawError(
            _l("Escalation follows the consultation of %(date)s."), date=case.consult_on
        )
    _move(actor, case, BylawStage.ESCALATED)
    case.escalated_on = today
    db.session.flush()
    return case


def close_case(actor: User | None, case: BylawCase, today: date, reason: str) -> None:
    """End the case (the unit is let)."""
    _move(actor, case, BylawStage.CLOSED, reason=reason)
    case.closed_on = today
    db.session.flush()


@events.on_status_change
def _close_when_let(unit: Unit, old: UnitStatus, new: UnitStatus) -> None:
    """Letting the unit ends its vacancy, and with it the case."""
    if new != UnitStatus.LET:
        return
    case = open_case(unit)
    if case is not None:
        close_case(None, case, clock.today(), "let")
