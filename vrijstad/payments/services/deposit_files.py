"""A SEPA file for a deposit's transfer: the refund to the starter or the damages to the
landlord, as one payment from the organisation's account.

The file books nothing: the treasurer uploads it to the bank, and once the bank has executed
it staff record the transfer on the placement's money page (billing.record_transfer), which
empties the payable. A file can be made again until then (e.g. after the bank refused it).
"""

from dataclasses import dataclass
from datetime import date

from vrijstad.auth.models import User
from vrijstad.billing import services as billing
from vrijstad.extensions import db
from vrijstad.forms import valid_iban
from vrijstad.i18n import gettext as _
from vrijstad.letting.models import Placement
from vrijstad.organisations.models import Organisation
from vrijstad.payments import sepa
from vrijstad.payments.models import PayoutAccount
from vrijstad.payments.services.common import PaymentsError
from vrijstad.payments.services.payouts import next_business_day
from vrijstad.starters.models import StarterProfile


@dataclass(frozen=True)
class TransferFile:
    filename: str
    xml: bytes
    cents: int
    name: str


def _payee(placement: Placement, pending: billing.PendingTransfer) -> tuple[str, str | None]:
    """(name, IBAN or None) of whom the transfer pays."""
    if pending.payee == "starter":
        profile = db.session.scalar(
            db.select(StarterProfile).where(StarterProfile.user_id == pending.person_id)
        )
        name = (profile.trade_name if profile else None) or placement.starter.name
        return name, profile.iban if profile else None
    account = db.session.scalar(
        db.select(PayoutAccount).where(PayoutAccount.landlord_id == pending.person_id)
    )
    landlord = db.session.get_one(User, pending.person_id)
    name = (account.holder_name if account else None) or landlord.name
    return name, account.iban if account else None


def deposit_transfer_file(
    actor: User, placement: Placement, payee: str, today: date
) -> TransferFile:
    """The pain.001 file for the refund or the damages still to transfer; refused with the
    reason when there is none, or an IBAN is missing."""
    pending = billing.pending_transfer(actor, placement, payee)
    organisation = db.session.get_one(Organisation, placement.organisation_id)
    if not valid_iban(organisation.iban or ""):
        raise PaymentsError(
            _("Add your organisation's IBAN first: the transfer is paid from that account.")
        )
    name, iban = _payee(placement, pending)
    if not valid_iban(iban or ""):
        raise PaymentsError(_("%(name)s has no valid IBAN on record: ask for it first.", name=name))
    assert iban is not None
    refund = pending.payee == "starter"
    what = "terugbetaling waarborgsom" if refund else "schade waarborgsom"
    xml = sepa.single_payment(
        organisation,
        name,
        iban,
        pending.cents,
        f"Vrijstad {what} {placement.starter_trade_name or ''}".strip(),
        f"VSD{pending.returned.id}{'S' if refund else 'L'}",
        next_business_day(today),
    )
    return TransferFile(f"deposit-{placement.id}-{payee}.xml", xml, pending.cents, name)
