"""What the parts of payments share: the errors, the staff check, and the small steps every
Stripe event handler takes (find the intent and invoice, record an issue, the event's day)."""

from datetime import UTC, date, datetime
from typing import TypeGuard

import sqlalchemy as sa

from vrijstad import clock, labels
from vrijstad.auth.models import User
from vrijstad.billing.models import INVOICE_FLOW, Invoice, InvoiceStatus
from vrijstad.core import DomainError
from vrijstad.extensions import db
from vrijstad.i18n import gettext as _
from vrijstad.organisations.models import MemberRole
from vrijstad.organisations.services import can_manage
from vrijstad.payments.models import (
    INTENT_FLOW,
    IntentStatus,
    IssueKind,
    PaymentIntentRecord,
    PaymentIssue,
)

CURRENCY = "eur"


class PaymentsError(DomainError):
    """A payment action was refused; the message is shown to the user."""


class WebhookRejected(PaymentsError):
    """A webhook request that is not a genuine, fresh Stripe event."""


def _staff(actor: User | None, organisation_id: int, role: MemberRole = MemberRole.STAFF) -> None:
    if actor is not None and not can_manage(actor, organisation_id, role):
        raise PaymentsError(_("Only the organisation's staff can do this."))


def _whole(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _cents(value: object) -> int | None:
    """An event's amount (check_event let only whole cents or nothing through)."""
    return value if _whole(value) else None


def _issue(kind: IssueKind, source: str, invoice: Invoice | None = None, **values) -> str:
    db.session.add(
        PaymentIssue(
            kind=kind,
            source=source[:255],
            invoice_id=invoice and invoice.id,
            organisation_id=invoice and invoice.organisation_id,
            **values,
        )
    )
    db.session.flush()
    return kind.value


def _intent_and_invoice(obj: dict) -> tuple[PaymentIntentRecord | None, Invoice | None]:
    intent_id = (
        obj.get("id") if obj.get("object") == "payment_intent" else obj.get("payment_intent")
    )
    record = db.session.scalar(
        sa.select(PaymentIntentRecord).where(PaymentIntentRecord.intent_id == str(intent_id or ""))
    )
    if record is not None:
        return record, record.invoice
    invoice_id = str((obj.get("metadata") or {}).get("invoice_id") or "")
    invoice = db.session.get(Invoice, int(invoice_id)) if invoice_id.isdigit() else None
    return None, invoice


def _event_day(created: int) -> date:
    return min(datetime.fromtimestamp(created, UTC).date(), clock.today())


def move_intent(record: PaymentIntentRecord, target: IntentStatus) -> None:
    """Move an intent's record to Stripe's (or our) state; staying in a state is no move."""
    if record.status != target:
        INTENT_FLOW.move(record, target)


def move_invoice(invoice: Invoice, target: InvoiceStatus) -> None:
    """Open an invoice again (a refund, a dispute) or mark it paid (a dispute won)."""
    if invoice.status != target:
        INVOICE_FLOW.move(invoice, target)


def issue_label(kind: IssueKind) -> str:
    """The label of an issue kind (registered beside IssueKind); the views' name for it."""
    return labels.label(IssueKind(kind))
