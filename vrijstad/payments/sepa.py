"""SEPA credit-transfer batch files (pain.001.001.03), built and schema-checked by sepaxml."""

from datetime import date

from sepaxml import SepaTransfer

from vrijstad.billing.models import Settlement
from vrijstad.forms import normalise_iban
from vrijstad.organisations.models import Organisation
from vrijstad.payments.models import Payout, PayoutAccount, PayoutBatch

SCHEMA = "pain.001.001.03"


def _transfer(organisation: Organisation) -> SepaTransfer:
    """A file paid from the organisation's account."""
    return SepaTransfer(
        {
            "name": organisation.name[:70],
            "IBAN": normalise_iban(organisation.iban or ""),
            "batch": True,
            "currency": "EUR",
        },
        schema=SCHEMA,
        clean=True,
    )


def single_payment(
    organisation: Organisation,
    name: str,
    iban: str,
    cents: int,
    description: str,
    endtoend_id: str,
    execution_date: date,
) -> bytes:
    """A file with one payment (e.g. a deposit refund); validated against the schema."""
    transfer = _transfer(organisation)
    transfer.add_payment(
        {
            "name": name[:70],
            "IBAN": normalise_iban(iban),
            "amount": cents,
            "execution_date": execution_date,
            "description": description[:140],
            "endtoend_id": endtoend_id[:35],
        }
    )
    return transfer.export(validate=True)


def build_batch(
    organisation: Organisation,
    settlement: Settlement,
    payouts: list[Payout],
    accounts: dict[int, PayoutAccount],
    execution_date: date,
) -> PayoutBatch:
    """One payment per landlord; amounts are integer cents, the file validates or raises."""
    transfer = _transfer(organisation)
    period = f"{settlement.period:%Y-%m}"
    for payout in payouts:
        account = accounts[payout.landlord_id]
        transfer.add_payment(
            {
                "name": (account.holder_name or payout.landlord.name)[:70],
                "IBAN": account.iban,
                "amount": payout.amount_cents,
                "execution_date": execution_date,
                "description": f"Vrijstad {settlement.collective.name} {period}"[:140],
                "endtoend_id": f"VS{settlement.id}L{payout.landlord_id}"[:35],
            }
        )
    xml = transfer.export(validate=True)
    return PayoutBatch(
        settlement_id=settlement.id,
        message_id=transfer.msg_id[:35],
        execution_date=execution_date,
        total_cents=sum(p.amount_cents for p in payouts),
        xml=xml,
    )


def download(xml: bytes, filename: str) -> tuple[bytes, int, dict[str, str]]:
    """A view's answer that sends a SEPA file as a download under its file name."""
    return (
        xml,
        200,
        {
            "Content-Type": "application/xml",
            "Content-Disposition": f'attachment; filename="{filename}"',
        },
    )
