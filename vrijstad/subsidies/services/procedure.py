"""The procedure up to the decision: submission with its dossier number, review, questions,
the extension, and grant, rejection or withdrawal."""

from datetime import date, datetime

import sqlalchemy as sa

from vrijstad import approvals, clock
from vrijstad.audit.services import record_event
from vrijstad.auth.models import User
from vrijstad.auth.verification import require_verified_email
from vrijstad.extensions import db
from vrijstad.i18n import gettext as _
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.ledger import services as ledger
from vrijstad.money import Cents
from vrijstad.subsidies.models import (
    AWAITING_DECISION,
    DossierSequence,
    Handling,
    SubsidyApplication,
    SubsidyScheme,
    SubsidyStatus,
)
from vrijstad.subsidies.services.amounts import (
    check_budget,
    check_de_minimis,
    granted_account,
    payable_account,
    reasoning_of,
)
from vrijstad.subsidies.services.applications import check_location, check_open, check_start
from vrijstad.subsidies.services.base import (
    SubsidyError,
    change_status,
    lock_application,
    require_applicant,
    require_staff,
)
from vrijstad.subsidies.services.clock import days_late, decision_deadline
from vrijstad.subsidies.services.notices import notify_applicant, notify_staff
from vrijstad.subsidies.services.uploads import missing_items

#: The kind of subject under which subsidy grants are approved with four eyes.
GRANT_APPROVAL = "subsidy_grant"

# Dossier numbers ---------------------------------------------------------------------------


def next_dossier_number(scheme: SubsidyScheme, year: int) -> str:
    """The scheme's next dossier number of the year, without gaps: the sequence row stays
    locked until the commit, so a rolled-back submission gives its number back."""
    sequence = db.session.scalar(
        sa.select(DossierSequence)
        .where(DossierSequence.scheme_id == scheme.id, DossierSequence.year == year)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if sequence is None:
        sequence = DossierSequence(scheme_id=scheme.id, year=year, next_number=1)
        db.session.add(sequence)
        db.session.flush()
    number = sequence.next_number
    sequence.next_number = number + 1
    return f"{scheme.dossier_prefix}-{year}-{number:04d}"


# The procedure -----------------------------------------------------------------------------


def submit_application(
    actor: User, application: SubsidyApplication, now: datetime | None = None
) -> SubsidyApplication:
    """The applicant submits the complete application: it gets its dossier number, its place in
    the queue and its decision clock; a first-come scheme reserves the amount."""
    require_applicant(actor, application)
    require_verified_email(actor)
    now = now or clock.now()
    on = clock.local_date(now)
    scheme = lock_application(application)
    if application.status != SubsidyStatus.DRAFT:
        if application.status == SubsidyStatus.INTAKE:
            raise SubsidyError(_("The intake talk comes first: the staff will contact you."))
        raise SubsidyError(_("This application has already been submitted."))
    check_open(scheme, on)
    check_location(scheme, application.street_id)
    check_start(scheme, application.work_starts_on, on)
    missing = missing_items(application)
    if missing:
        raise SubsidyError(
            _("The application is not complete yet. Missing: %(items)s.", items="; ".join(missing))
        )
    amount = reasoning_of(application).amount_cents
    check_de_minimis(application, amount, on)
    if scheme.handling == Handling.FIRST_COME:
        check_budget(scheme, application, amount)
    application.requested_cents = amount
    application.submitted_at = now
    application.dossier_number = next_dossier_number(scheme, on.year)
    change_status(
        actor,
        application,
        SubsidyStatus.SUBMITTED,
        dossier=application.dossier_number,
        cents=amount,
    )
    notify_applicant(application, "submitted")
    notify_staff(application, "submitted_staff", actor)
    return application


def start_review(actor: User, application: SubsidyApplication) -> SubsidyApplication:
    """Staff take a submitted application into review."""
    require_staff(actor, application.scheme)
    change_status(actor, application, SubsidyStatus.IN_REVIEW)
    return application


def request_information(
    actor: User, application: SubsidyApplication, question: str, on: date | None = None
) -> SubsidyApplication:
    """Staff ask for more information: the decision clock stops until the answer."""
    require_staff(actor, application.scheme)
    question = (question or "").strip()
    if len(question) < 10:
        raise SubsidyError(
            _("Say what information is needed (at least 10 characters)."), "question"
        )
    on = on or clock.today()
    change_status(actor, application, SubsidyStatus.INFO_REQUESTED, question=question[:2000])
    application.question = question[:5000]
    application.answer = None
    application.suspended_since = on
    db.session.flush()
    notify_applicant(application, "info_requested")
    return application


def supply_information(
    actor: User, application: SubsidyApplication, answer: str, on: date | None = None
) -> SubsidyApplication:
    """The applicant answers (or staff record the answer that came in): the clock runs again,
    the deadline moved by the days it stood still; changed costs are re-reserved."""
    scheme = application.scheme
    if application.applicant_id != actor.id:
        require_staff(actor, scheme)
    answer = (answer or "").strip()
    if not answer:
        raise SubsidyError(_("Write your answer."), "answer")
    on = on or clock.today()
    scheme = lock_application(application)
    if application.status != SubsidyStatus.INFO_REQUESTED:
        raise SubsidyError(_("No information has been asked for."))
    missing = missing_items(application)
    if missing:
        raise SubsidyError(
            _("The application is not complete yet. Missing: %(items)s.", items="; ".join(missing))
        )
    amount = reasoning_of(application).amount_cents
    if scheme.handling == Handling.FIRST_COME and amount > application.requested_cents:
        check_budget(scheme, application, amount)
    stood_still = max((on - (application.suspended_since or on)).days, 0)
    application.suspended_days += stood_still
    application.suspended_since = None
    application.answer = answer[:5000]
    application.requested_cents = amount
    change_status(actor, application, SubsidyStatus.IN_REVIEW, days=stood_still, cents=amount)
    notify_staff(application, "info_supplied", actor)
    return application


def extend_deadline(
    actor: User, application: SubsidyApplication, reason: str, on: date | None = None
) -> SubsidyApplication:
    """Staff extend the decision term once, by 12 weeks, before it has run out."""
    require_staff(actor, application.scheme)
    on = on or clock.today()
    if application.status not in AWAITING_DECISION:
        raise SubsidyError(_("Only an application awaiting its decision can get more time."))
    if application.extended_on is not None:
        raise SubsidyError(_("The decision term can be extended only once."))
    due = decision_deadline(application, on)
    if due is not None and on > due:
        raise SubsidyError(
            _l("The decision term ended on %(date)s; it can only be extended before it ends."),
            date=due,
        )
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise SubsidyError(
            _("Give the reason for the extension (at least 10 characters)."), "reason"
        )
    application.extended_on = on
    application.extension_reason = reason[:500]
    db.session.flush()
    record_event(
        actor,
        "subsidy.extended",
        application,
        application.scheme.organisation_id,
        deadline=str(decision_deadline(application, on)),
    )
    notify_applicant(application, "extended")
    return application


def grant_approval(application: SubsidyApplication) -> approvals.Approval | None:
    """The two approvals (or the first, waiting) when the grant needed four eyes."""
    return approvals.approval_of(GRANT_APPROVAL, application.id)


def _decided(actor: User, application: SubsidyApplication, on: date) -> None:
    application.decided_on = on
    application.decided_by_id = actor.id


def grant(
    actor: User,
    application: SubsidyApplication,
    amount_cents: int | None = None,
    conditions: str | None = None,
    on: date | None = None,
) -> SubsidyApplication:
    """Staff grant the subsidy (at most the computed amount). The scheme row is locked and the
    ceiling checked, so two staff granting at once cannot both use the last of the budget. A
    decision after the deadline is allowed; days_late() tells by how much. Above the
    four-eyes amount (vrijstad/approvals.py) the first grant records its approval and the
    conditions and leaves the application in review; a second, different staff member
    granting the same amount decides it. The applicant is told afterwards, with the letter:
    documents.send_grant_letter (only once the status is granted)."""
    require_staff(actor, application.scheme)
    on = on or clock.today()
    scheme = lock_application(application)
    if application.status != SubsidyStatus.IN_REVIEW:
        if application.status in (SubsidyStatus.GRANTED, SubsidyStatus.REJECTED):
            raise SubsidyError(_("This application has just been decided by someone else."))
        raise SubsidyError(_("Take the application into review before deciding."))
    if (
        scheme.handling == Handling.TENDER
        and scheme.tender_deadline
        and on <= scheme.tender_deadline
    ):
        raise SubsidyError(
            _l(
                "This is a tender: decide after its deadline of %(date)s, when all "
                "applications can be compared."
            ),
            date=scheme.tender_deadline,
        )
    computed = reasoning_of(application).amount_cents
    amount = computed if amount_cents is None else amount_cents
    if amount <= 0:
        raise SubsidyError(_("Grant an amount above € 0, or reject the application."), "amount")
    if amount > computed:
        raise SubsidyError(
            _l(
                "At most %(amount)s can be granted: the percentage of the eligible "
                "costs, up to the maximum per activity."
            ),
            "amount",
            amount=Cents(computed),
        )
    check_budget(scheme, application, amount, "amount")
    check_de_minimis(application, amount, on, "amount")
    application.conditions = (conditions or "").strip()[:5000] or None
    try:
        complete = approvals.require_two(
            GRANT_APPROVAL, application.id, amount, actor, scheme.organisation_id
        )
    except approvals.ApprovalError as exc:
        raise SubsidyError(str(exc)) from exc
    if not complete:  # four eyes: in review until a second colleague grants the same amount
        record_event(
            actor, "subsidy.first_approval", application, scheme.organisation_id, cents=amount
        )
        db.session.flush()
        return application
    application.granted_cents = amount
    _decided(actor, application, on)
    change_status(
        actor, application, SubsidyStatus.GRANTED, cents=amount, late_days=days_late(application)
    )
    ledger.book(
        scheme.organisation_id,
        "subsidy_grant",
        f"subsidy_grant:{application.id}",
        f"Subsidy granted {application.dossier_number} {application.applicant_name}",
        [
            (granted_account(scheme.id), amount),
            (payable_account(application.id), -amount),
        ],
        on,
    )
    return application


def reject(
    actor: User, application: SubsidyApplication, reason: str, on: date | None = None
) -> SubsidyApplication:
    """Staff refuse the application, with the reason; a reservation is released. The
    decision letter, with the notice, follows (``documents.send_rejection_letter``)."""
    require_staff(actor, application.scheme)
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise SubsidyError(_("Give the reason for the refusal (at least 10 characters)."), "reason")
    on = on or clock.today()
    lock_application(application)
    if application.status != SubsidyStatus.IN_REVIEW:
        raise SubsidyError(_("Take the application into review before deciding."))
    application.rejection_reason = reason[:5000]
    _decided(actor, application, on)
    change_status(actor, application, SubsidyStatus.REJECTED, late_days=days_late(application))
    application.closed_on = on
    return application


def withdraw(actor: User, application: SubsidyApplication) -> SubsidyApplication:
    """The applicant withdraws before the decision; a reservation is released."""
    require_applicant(actor, application)
    lock_application(application)
    change_status(actor, application, SubsidyStatus.WITHDRAWN)
    application.closed_on = clock.today()
    application.suspended_since = None
    notify_staff(application, "withdrawn_staff", actor)
    return application
