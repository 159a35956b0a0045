"""What every part of billing shares: its errors, the staff check, exact rounding and the row
locks under which money moves."""

import sqlalchemy as sa

from vrijstad.auth.models import User
from vrijstad.billing.models import Invoice, Settlement
from vrijstad.core import DomainError
from vrijstad.extensions import db
from vrijstad.i18n import eur_filter
from vrijstad.i18n import gettext as _
from vrijstad.letting.models import TurnoverReport
from vrijstad.organisations.models import MemberRole
from vrijstad.organisations.services import can_manage


class BillingError(DomainError):
    """A billing action was refused; field names the form field, if any."""


class NeedsConfirmation(BillingError):
    """A settlement over unchecked turnover reports: staff must confirm it."""

    def __init__(self, message: str, reports: list[TurnoverReport]) -> None:
        super().__init__(message)
        self.reports = reports


def _staff(actor: User | None, organisation_id: int, role: MemberRole = MemberRole.STAFF) -> None:
    """None is the scheduler (a CLI run); people must work for the organisation."""
    if actor is not None and not can_manage(actor, organisation_id, role):
        raise BillingError(_("Only the organisation's staff can do this."))


def round_half_up(numerator: int, denominator: int) -> int:
    """Integer division rounding halves away from zero (amounts are never floats)."""
    sign = -1 if (numerator < 0) != (denominator < 0) else 1
    n, d = abs(numerator), abs(denominator)
    return sign * ((2 * n + d) // (2 * d))


def percent_of(cents: int, basis_points: int) -> int:
    return round_half_up(cents * basis_points, 10000)


def _eur(cents: int) -> str:
    return eur_filter(cents)


def lock_invoice(invoice_id: int) -> Invoice:
    """The invoice row, locked until the commit and read afresh (FOR UPDATE; SQLite serialises
    writers anyway): whoever moves money on an invoice checks its open amount under this lock."""
    return db.session.scalars(
        sa.select(Invoice)
        .where(Invoice.id == invoice_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def lock_settlement(settlement_id: int) -> Settlement:
    """The settlement row, locked until the commit and read afresh (its status decides)."""
    return db.session.scalars(
        sa.select(Settlement)
        .where(Settlement.id == settlement_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def lock_invoices(invoice_ids) -> dict[int, Invoice]:
    """Several invoice rows locked (FOR UPDATE, in id order so two callers never wait on each
    other crosswise) and read afresh, by id."""
    ids = sorted(set(invoice_ids))
    locked: dict[int, Invoice] = {}
    for start in range(0, len(ids), _LOCK_CHUNK):
        for invoice in db.session.scalars(
            sa.select(Invoice)
            .where(Invoice.id.in_(ids[start : start + _LOCK_CHUNK]))
            .order_by(Invoice.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        ):
            locked[invoice.id] = invoice
    return locked


_LOCK_CHUNK = 20_000  # a bank file's lines at most: one statement (SQLite takes 32,766 values)
