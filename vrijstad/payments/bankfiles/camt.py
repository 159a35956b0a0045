"""CAMT.053 (ISO 20022), read by the standard library behind defusedxml: no document type
declarations, no entities, no external references."""

from collections.abc import Iterator
from datetime import date
from xml.etree.ElementTree import Element  # noqa: S405 - the type only; parsing is defusedxml's

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError
from defusedxml.ElementTree import fromstring as xml_fromstring

from vrijstad.i18n import gettext as _
from vrijstad.money import AmountError
from vrijstad.payments.bankfiles.base import (
    CAMT_NAMESPACE,
    MAX_LINES,
    BankFileRefused,
    Statement,
    StatementLine,
    _clean,
    _decimal_cents,
    _iban,
    _ref,
)

# CAMT.053 ----------------------------------------------------------------------------------


def _local(element: Element) -> str:
    return element.tag.rsplit("}", 1)[-1]


def _find(element: Element | None, path: str) -> Element | None:
    if element is None:
        return None
    return element.find("/".join(f"{{*}}{step}" for step in path.split("/")))


#: An element's descendants by their path of local names ("RltdPties/Dbtr/Nm"), each path's
#: elements in document order.
Index = dict[str, list[Element]]


def _index(element: Element | None, stop: str = "") -> Index:
    """One walk over an element instead of a namespace-wildcard search per field (what made
    reading a big statement slow). Below the path `stop` nothing is indexed."""
    found: Index = {}

    def walk(parent: Element, prefix: str) -> None:
        for child in parent:
            tag = child.tag
            if not isinstance(tag, str):
                continue  # a comment or processing instruction
            path = prefix + tag[tag.rfind("}") + 1 :]
            found.setdefault(path, []).append(child)
            if path != stop:
                walk(child, path + "/")

    if element is not None:
        walk(element, "")
    return found


def _text(index: Index, path: str) -> str:
    found = index.get(path)
    return (found[0].text or "").strip() if found else ""


def _camt_amount(index: Index) -> tuple[int, str] | None:
    for path in ("Amt", "AmtDtls/TxAmt/Amt", "AmtDtls/InstdAmt/Amt"):
        found = index.get(path)
        if found:
            return _decimal_cents(found[0].text), found[0].get("Ccy", "EUR")
    return None


def _camt_party(tx: Index, role: str) -> tuple[str, str]:
    """Name and IBAN of the debtor or creditor (Dbtr/Nm up to v.07, Dbtr/Pty/Nm from v.08)."""
    name = _text(tx, f"RltdPties/{role}/Nm") or _text(tx, f"RltdPties/{role}/Pty/Nm")
    iban = _text(tx, f"RltdPties/{role}Acct/Id/IBAN")
    return name, iban


def parse_camt053(data: bytes) -> Statement:
    try:
        root = xml_fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise BankFileRefused(
            _("The file declares a document type or entities; it is refused for safety.")
        ) from exc
    except ParseError as exc:
        raise BankFileRefused(_("The file is not well-formed XML.")) from exc
    match = CAMT_NAMESPACE.match(root.tag[1:].split("}")[0]) if root.tag.startswith("{") else None
    if _local(root) != "Document" or match is None:
        raise BankFileRefused(_("This XML file is not a CAMT.053 bank statement."))
    if int(match.group(1)) < 2:
        raise BankFileRefused(
            _("CAMT.053 version %(v)s is not supported (version 02 or later is).", v=match.group(1))
        )
    statement, errors, number = Statement("camt053"), [], 0
    for stmt in root.iterfind("{*}BkToCstmrStmt/{*}Stmt"):
        found = _find(stmt, "Acct/Id/IBAN")
        if found is None:
            found = _find(stmt, "Acct/Id/Othr/Id")
        account = _iban((found.text or "").strip() if found is not None else "")
        for element in stmt.iterfind("{*}Ntry"):
            number += 1
            entry = _index(element, stop=_DETAILS)
            status = _text(entry, "Sts") or _text(entry, "Sts/Cd")
            if status and status != "BOOK":
                continue  # pending or for information only: not (yet) on the account
            try:
                statement.lines.extend(_camt_entry(entry, number, account))
            except (AmountError, ValueError) as exc:
                errors.append(_("Entry %(n)d: %(value)s.", n=number, value=str(exc)[:60]))
            if len(statement.lines) > MAX_LINES:
                raise BankFileRefused(_("A file holds at most %(n)d lines.", n=MAX_LINES))
    if errors:
        raise BankFileRefused(
            _("Nothing was imported: the file has %(n)d broken rows.", n=len(errors)), errors
        )
    return statement


_DETAILS = "NtryDtls/TxDtls"


def _camt_entry(entry: Index, number: int, account: str) -> Iterator[StatementLine]:
    amount = _camt_amount(entry)
    indicator = _text(entry, "CdtDbtInd")
    if amount is None or indicator not in ("CRDT", "DBIT"):
        raise ValueError(_("no amount or no credit/debit indicator"))
    day_text = _text(entry, "BookgDt/Dt") or _text(entry, "BookgDt/DtTm")[:10]
    day_text = day_text or _text(entry, "ValDt/Dt") or _text(entry, "ValDt/DtTm")[:10]
    try:
        day = date.fromisoformat(day_text)
    except ValueError as exc:
        raise ValueError(_("%(value)s is not a date", value=day_text or "-")) from exc
    entry_ref = _ref(_text(entry, "AcctSvcrRef")) or _ref(_text(entry, "NtryRef"))
    reversal = _text(entry, "RvslInd").lower() == "true"
    details = [_index(tx) for tx in entry.get(_DETAILS, [])]
    batch = [(tx, found) for tx in details if (found := _camt_amount(tx)) is not None]
    parts: list[tuple[Index, tuple[int, str]]]
    if len(details) > 1 and len(batch) == len(details):
        parts = batch  # a batch, transaction by transaction
    else:
        parts = [(details[0] if details else {}, amount)]  # one transaction, or undetailed
    for index, (tx, (cents, currency)) in enumerate(parts, 1):
        tx_indicator = _text(tx, "CdtDbtInd") or indicator
        credit = tx_indicator == "CRDT"
        name, iban = _camt_party(tx, "Dbtr" if credit else "Cdtr")
        unstructured = " ".join((u.text or "").strip() for u in tx.get("RmtInf/Ustrd", []))
        references = [r.text or "" for r in tx.get("RmtInf/Strd/CdtrRefInf/Ref", [])]
        tx_ref = _ref(_text(tx, "Refs/AcctSvcrRef"))
        if len(parts) > 1:
            bank_ref = f"{entry_ref}/{tx_ref or index}" if entry_ref else tx_ref
        else:
            bank_ref = entry_ref or tx_ref
        yield StatementLine(
            line=number,
            booked_on=day,
            amount_cents=cents if credit else -cents,
            name=_clean(name, 140),
            iban=_iban(iban),
            description=_clean(unstructured or _text(entry, "AddtlNtryInf"), 500),
            reference=_ref(next((r for r in references if _ref(r)), "")),
            end_to_end_id=_ref(_text(tx, "Refs/EndToEndId")),
            bank_reference=bank_ref[:140],
            account=account,
            currency=currency,
            reversal=reversal,
        )
