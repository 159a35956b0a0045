"""After the grant: the advance, accountability, the final amount, payment or reclaim."""

from datetime import date

from vrijstad import clock
from vrijstad.auth.models import User
from vrijstad.extensions import db
from vrijstad.i18n import gettext as _
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.ledger import services as ledger
from vrijstad.money import Cents
from vrijstad.subsidies.models import (
    SubsidyApplication,
    SubsidyStatus,
)
from vrijstad.subsidies.services.amounts import (
    advance_of,
    balance_due,
    final_reasoning_of,
    granted_account,
    payable_account,
)
from vrijstad.subsidies.services.base import (
    MAX_AMOUNT_CENTS,
    SubsidyError,
    change_status,
    lock_application,
    require_applicant,
    require_staff,
)
from vrijstad.subsidies.services.notices import notify_applicant, notify_staff


def pay_advance(
    actor: User, application: SubsidyApplication, on: date | None = None
) -> SubsidyApplication:
    """Staff pay the scheme's advance on the granted amount (booked from the bank)."""
    require_staff(actor, application.scheme)
    lock_application(application)  # a double click pays once
    amount = advance_of(application)
    if amount <= 0:
        raise SubsidyError(_("This scheme pays no advance."))
    on = on or clock.today()
    change_status(actor, application, SubsidyStatus.ADVANCE_PAID, cents=amount)
    application.advance_cents = amount
    application.paid_cents += amount
    db.session.flush()
    org = application.scheme.organisation_id
    ledger.book(
        org,
        "subsidy_advance",
        f"subsidy_advance:{application.id}",
        f"Subsidy advance {application.dossier_number}",
        [
            (payable_account(application.id), amount),
            (ledger.bank(org), -amount),
        ],
        on,
    )
    notify_applicant(application, "advance_paid", amount_cents=amount)
    return application


def submit_accountability(
    actor: User,
    application: SubsidyApplication,
    actuals: dict[int, int],
    note: str,
    includes_vat: bool = False,
    on: date | None = None,
) -> SubsidyApplication:
    """The applicant accounts for the actual costs per line, excluding VAT."""
    require_applicant(actor, application)
    if includes_vat:
        raise SubsidyError(
            _("Enter the actual costs excluding VAT: VAT is never eligible for a subsidy."),
            "includes_vat",
        )
    lock_application(application)
    if application.status not in (SubsidyStatus.GRANTED, SubsidyStatus.ADVANCE_PAID):
        raise SubsidyError(_("Accountability follows the grant."))
    lines = {line.id: line for line in application.cost_lines}
    if set(actuals) != set(lines):
        raise SubsidyError(_("Enter the actual cost of every line (0 if it was not made)."))
    for cents in actuals.values():
        if not 0 <= cents <= MAX_AMOUNT_CENTS:
            raise SubsidyError(_("Actual costs cannot be negative."))
    note = (note or "").strip()
    if len(note) < 10:
        raise SubsidyError(_("Describe briefly what was done (at least 10 characters)."), "note")
    for line_id, cents in actuals.items():
        lines[line_id].actual_cents = cents
    application.accountability_note = note[:10000]
    application.accounted_on = on or clock.today()
    change_status(actor, application, SubsidyStatus.ACCOUNTED, cents=sum(actuals.values()))
    notify_applicant(application, "accounted")
    notify_staff(application, "accounted_staff", actor)
    return application


def settle(
    actor: User,
    application: SubsidyApplication,
    final_cents: int | None = None,
    on: date | None = None,
) -> SubsidyApplication:
    """Staff set the final amount on the actual costs (never above the grant); what was granted
    and not spent is released from the scheme's commitment."""
    require_staff(actor, application.scheme)
    lock_application(application)
    computed = final_reasoning_of(application).amount_cents
    amount = computed if final_cents is None else final_cents
    if not 0 <= amount <= computed:
        raise SubsidyError(
            _l(
                "The final amount is between € 0 and %(amount)s: the percentage of "
                "the eligible actual costs, up to the amount granted."
            ),
            "amount",
            amount=Cents(computed),
        )
    on = on or clock.today()
    change_status(actor, application, SubsidyStatus.SETTLED, cents=amount)
    application.final_cents = amount
    application.settled_on = on
    db.session.flush()
    released = (application.granted_cents or 0) - amount
    if released:
        org = application.scheme.organisation_id
        ledger.book(
            org,
            "subsidy_settlement",
            f"subsidy_settlement:{application.id}",
            f"Subsidy final amount {application.dossier_number}",
            [
                (payable_account(application.id), released),
                (granted_account(application.scheme_id), -released),
            ],
            on,
        )
    notify_applicant(application, "settled", amount_cents=amount)
    return application


def pay_balance(
    actor: User, application: SubsidyApplication, on: date | None = None
) -> SubsidyApplication:
    """Staff pay what is left of the final amount (possibly nothing) and close the dossier."""
    require_staff(actor, application.scheme)
    lock_application(application)
    due = balance_due(application)
    if application.status == SubsidyStatus.SETTLED and due < 0:
        raise SubsidyError(
            _l("The advance was more than the final amount: reclaim %(amount)s instead."),
            amount=Cents(-due),
        )
    on = on or clock.today()
    change_status(actor, application, SubsidyStatus.PAID, cents=due)
    application.paid_cents += due
    application.closed_on = on
    db.session.flush()
    if due:
        org = application.scheme.organisation_id
        ledger.book(
            org,
            "subsidy_payment",
            f"subsidy_payment:{application.id}",
            f"Subsidy payment {application.dossier_number}",
            [
                (payable_account(application.id), due),
                (ledger.bank(org), -due),
            ],
            on,
        )
    notify_applicant(application, "paid", amount_cents=due)
    return application


def record_reclaim(
    actor: User, application: SubsidyApplication, on: date | None = None
) -> SubsidyApplication:
    """The recipient paid back the advance above the final amount; the dossier is closed."""
    require_staff(actor, application.scheme)
    lock_application(application)
    due = balance_due(application)
    if application.status == SubsidyStatus.SETTLED and due >= 0:
        raise SubsidyError(
            _("Nothing is to be reclaimed: the advance is not above the final amount.")
        )
    on = on or clock.today()
    change_status(actor, application, SubsidyStatus.RECLAIMED, cents=-due)
    application.paid_cents += due
    application.closed_on = on
    db.session.flush()
    org = application.scheme.organisation_id
    ledger.book(
        org,
        "subsidy_reclaim",
        f"subsidy_reclaim:{application.id}",
        f"Subsidy reclaimed {application.dossier_number}",
        [
            (ledger.bank(org), -due),
            (payable_account(application.id), due),
        ],
        on,
    )
    notify_applicant(application, "reclaimed", amount_cents=-due)
    return application
