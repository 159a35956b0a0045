"""Turnover reports: a starter's monthly turnover with evidence, staff checks, reminders."""

import uuid
from datetime import date, timedelta

import sqlalchemy as sa

from vrijstad import clock, labels
from vrijstad.audit.services import record_event
from vrijstad.auth.models import User
from vrijstad.billing.models import rent_invoice
from vrijstad.clock import add_months, month_start, next_month
from vrijstad.extensions import db
from vrijstad.i18n import date_filter
from vrijstad.i18n import gettext as _
from vrijstad.letting.errors import LettingError
from vrijstad.letting.models import (
    TURNOVER_FLOW,
    Placement,
    PlacementStatus,
    TurnoverReminder,
    TurnoverReport,
    TurnoverStatus,
)
from vrijstad.notifications.services import notify
from vrijstad.organisations.models import MemberRole
from vrijstad.organisations.services import can_manage, staff_of
from vrijstad.storage import get_storage

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
EVIDENCE_TYPES = {
    b"%PDF-": ("application/pdf", "pdf"),
    b"\x89PNG": ("image/png", "png"),
    b"\xff\xd8\xff": ("image/jpeg", "jpg"),
}
MAX_TURNOVER_CENTS = 100_000_000_00  # a hundred million euros a month: a typo beyond that


def staff_only(actor: User, organisation_id: int, role: MemberRole = MemberRole.STAFF) -> None:
    """Refuse unless the actor is staff (of the role) of the organisation."""
    if not can_manage(actor, organisation_id, role):
        raise LettingError(_("Only the organisation's staff can do this."))


# Turnover reports --------------------------------------------------------------------------


def report_deadline(period: date) -> date:
    """Reports are due on the 10th of the following month."""
    return next_month(period).replace(day=10)


def period_is_closed(placement: Placement, period: date) -> bool:
    """A month is closed for reporting once its invoice has been issued."""
    return rent_invoice(placement.id, period) is not None


def _evidence_type(data: bytes) -> tuple[str, str]:
    for magic, kind in EVIDENCE_TYPES.items():
        if data.startswith(magic):
            return kind
    raise LettingError(_("Evidence must be a PDF, PNG or JPEG file."), "evidence")


def last_month(placement: Placement) -> date:
    """The placement's last month: the one of the day before its (exclusive) end date."""
    return month_start(placement.end_date - timedelta(days=1))


def reportable_months(placement: Placement, today: date) -> list[date]:
    """The months of a placement whose turnover can be reported on `today`, latest first: the
    finished months from the placement's first to its last."""
    first = month_start(placement.start_date)
    month = min(add_months(month_start(today), -1), last_month(placement))
    months = []
    while month >= first:
        months.append(month)
        month = add_months(month, -1)
    return months


def submit_turnover(
    starter: User,
    placement: Placement,
    period: date,
    turnover_cents: int,
    evidence: tuple[str, bytes] | None = None,
) -> TurnoverReport:
    """A starter reports a month's gross turnover excl. VAT, with evidence."""
    if placement.starter_id != starter.id:
        raise LettingError(_("This is not your placement."))
    if not placement.turnover_basis_points:
        raise LettingError(_("This placement has a fixed rent; no turnover report is needed."))
    period = month_start(period)
    if not month_start(placement.start_date) <= period <= last_month(placement):
        raise LettingError(_("Report a month within your placement."), "period")
    if period >= month_start(clock.today()):
        raise LettingError(_("A month can be reported once it is over."), "period")
    if turnover_cents < 0:
        raise LettingError(_("Turnover cannot be negative."), "turnover")
    if turnover_cents > MAX_TURNOVER_CENTS:
        raise LettingError(_("That turnover is implausibly high; check the amount."), "turnover")
    if period_is_closed(placement, period):
        raise LettingError(_("This month is closed: its invoice has been issued."), "period")
    report = db.session.scalar(
        sa.select(TurnoverReport).where(
            TurnoverReport.placement_id == placement.id, TurnoverReport.period == period
        )
    )
    if report is not None and report.status == TurnoverStatus.CHECKED:
        raise LettingError(
            _("This month's report has been checked and can no longer change."), "period"
        )
    if evidence is None and (report is None or not report.evidence_key):
        raise LettingError(
            _("Add evidence: a till report or bank statement (PDF or image)."), "evidence"
        )
    if report is None:
        report = TurnoverReport(
            placement_id=placement.id,
            period=period,
            turnover_cents=0,
            status=TurnoverStatus.SUBMITTED,
        )
        db.session.add(report)
    else:
        TURNOVER_FLOW.move(report, TurnoverStatus.SUBMITTED)
    report.turnover_cents = turnover_cents
    report.submitted_at = clock.now()
    report.question = None
    if evidence is not None:
        filename, data = evidence
        if len(data) > MAX_EVIDENCE_BYTES:
            raise LettingError(_("Evidence may be at most 10 MB."), "evidence")
        content_type, ext = _evidence_type(data)
        key = f"turnover/{placement.id}/{uuid.uuid4().hex}.{ext}"
        get_storage().put(key, data, content_type)
        report.evidence_key = key
        report.evidence_filename = (
            (filename or f"evidence.{ext}").replace("\\", "/").rsplit("/", 1)[-1][:200]
        )
    db.session.flush()
    record_event(
        starter,
        "turnover.submitted",
        report,
        placement.organisation_id,
        period=period.isoformat(),
        cents=turnover_cents,
    )
    return report


def review_turnover(
    actor: User, report: TurnoverReport, question: str | None = None
) -> TurnoverReport:
    """Staff accept a report as checked, or question it (the starter then resubmits)."""
    placement = report.placement
    if placement.organisation_id is None:
        raise LettingError(_("Only the organisation's staff can do this."))
    staff_only(actor, placement.organisation_id)
    if report.status == TurnoverStatus.CHECKED:
        raise LettingError(_("This report has already been checked."))
    if question and question.strip():
        TURNOVER_FLOW.move(report, TurnoverStatus.QUESTIONED)
        report.question = question.strip()[:1000]
    else:
        TURNOVER_FLOW.move(report, TurnoverStatus.CHECKED)
        report.checked_by_id = actor.id
    db.session.flush()
    record_event(
        actor, "turnover.reviewed", report, placement.organisation_id, status=report.status.value
    )
    return report


def placements_needing_reports(organisation_id: int, period: date) -> sa.Select:
    """Current turnover placements of an organisation running in the month."""
    end = next_month(period)
    return sa.select(Placement).where(
        Placement.organisation_id == organisation_id,
        Placement.turnover_basis_points > 0,
        Placement.status != PlacementStatus.ENDED,
        Placement.start_date < end,
        Placement.end_date > period,
    )


def missing_reports(organisation_id: int, period: date) -> list[Placement]:
    """Turnover placements of the month without a report: shown to staff."""
    reported = sa.select(TurnoverReport.placement_id).where(TurnoverReport.period == period)
    return list(
        db.session.scalars(
            placements_needing_reports(organisation_id, period)
            .where(Placement.id.not_in(reported))
            .order_by(Placement.id)
        )
    )


#: Days before the deadline that the starter is reminded of a report not yet sent.
REMIND_DAYS_BEFORE = 3


def send_turnover_reminders(today: date) -> list[TurnoverReminder]:
    """Last month's report: a reminder in the days before its deadline, a notice (to the
    starter and the organisation's staff) once it has passed. Each once; run daily."""
    period = month_start(month_start(today) - timedelta(days=1))
    deadline = report_deadline(period)
    if today > deadline:
        kind = "late"
    elif today >= deadline - timedelta(days=REMIND_DAYS_BEFORE):
        kind = "due"
    else:
        return []
    reported = sa.select(TurnoverReport.placement_id).where(TurnoverReport.period == period)
    reminded = sa.select(TurnoverReminder.placement_id).where(
        TurnoverReminder.period == period, TurnoverReminder.kind == kind
    )
    end = next_month(period)
    placements = db.session.scalars(
        sa.select(Placement)
        .where(
            Placement.turnover_basis_points > 0,
            Placement.status != PlacementStatus.ENDED,
            Placement.start_date < end,
            Placement.end_date > period,
            Placement.id.not_in(reported),
            Placement.id.not_in(reminded),
        )
        .order_by(Placement.id)
    ).all()
    sent = []
    for placement in placements:
        reminder = TurnoverReminder(
            placement_id=placement.id, period=period, kind=kind, sent_on=today
        )
        db.session.add(reminder)
        sent.append(reminder)
        data = {
            "month": period.strftime("%m-%Y"),
            "deadline": date_filter(deadline),
            "unit": placement.unit.address,
            "starter": placement.starter_trade_name,
        }
        notify([placement.starter], f"turnover.{kind}", "letting.my_placements", {}, data)
        if kind == "late" and placement.organisation_id is not None:
            staff = staff_of(placement.organisation_id)
            notify(
                staff,
                "turnover.late_staff",
                "letting.collectives",
                {"organisation_id": placement.organisation_id},
                data,
            )
    db.session.flush()
    return sent


def turnover_label(status: TurnoverStatus) -> str:
    return labels.label(TurnoverStatus(status))
