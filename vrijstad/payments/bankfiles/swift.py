"""MT940 (SWIFT) statements through the `mt-940` package; the :86: text is read for name,
IBAN and reference."""

import re
from datetime import date

import mt940

from vrijstad.i18n import gettext as _
from vrijstad.payments.bankfiles.base import (
    BankFileRefused,
    Statement,
    StatementLine,
    _clean,
    _from_keyed,
    _iban,
    _ref,
)

# MT940 -------------------------------------------------------------------------------------


def parse_mt940(text: str) -> Statement:
    try:
        transactions = mt940.models.Transactions()
        transactions.parse(text)
    except Exception as exc:  # noqa: BLE001 - the library raises what its parsing met
        raise BankFileRefused(
            _("The MT940 file could not be read: %(error)s", error=str(exc)[:120])
        ) from exc
    account = _iban((transactions.data.get("account_identification") or "").split(" ")[0])
    account = account[:-3] if account.endswith("EUR") else account
    statement, errors = Statement("mt940"), []
    for number, transaction in enumerate(transactions, 1):
        data = transaction.data
        amount, status = data.get("amount"), (data.get("status") or "").upper()
        if amount is None or status not in ("C", "D", "RC", "RD"):
            errors.append(_("Entry %(n)d: no amount or no credit/debit mark.", n=number))
            continue
        cents = int(abs(amount.amount) * 100)
        credit = status in ("C", "RD")
        details = "".join((data.get("transaction_details") or "").splitlines())
        fields = _from_keyed(details)
        extra = (data.get("extra_details") or "").strip()
        iban = fields["iban"] or (extra.split(" ")[0] if re.match(r"^[A-Z]{2}\d\d", extra) else "")
        bank_ref = _ref(data.get("bank_reference"))
        day = data.get("entry_date") or data["date"]
        statement.lines.append(
            StatementLine(
                line=number,
                booked_on=date(day.year, day.month, day.day),
                amount_cents=cents if credit else -cents,
                name=_clean(fields["name"], 140),
                iban=_iban(iban),
                description=_clean(fields["description"], 500),
                reference=_ref(fields["reference"]),
                end_to_end_id=_ref(fields["end_to_end"]),
                bank_reference=bank_ref,
                account=account,
                currency=(data.get("currency") or amount.currency or "EUR"),
                reversal=status.startswith("R"),
            )
        )
    if errors:
        raise BankFileRefused(
            _("Nothing was imported: the file has %(n)d broken rows.", n=len(errors)), errors
        )
    return statement
