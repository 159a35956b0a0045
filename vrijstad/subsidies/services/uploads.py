"""Cost lines with their quotes, and the documents an application needs (real PDFs)."""

import io
import logging
import uuid

from pypdf import PdfReader
from pypdf.errors import PyPdfError

from vrijstad.audit.services import record_event
from vrijstad.auth.models import User
from vrijstad.extensions import db
from vrijstad.i18n import eur_filter
from vrijstad.i18n import gettext as _
from vrijstad.labels import label
from vrijstad.storage import delete_after_commit, put_in_transaction
from vrijstad.subsidies.models import (
    CostCategory,
    CostLine,
    DocumentKind,
    SubsidyApplication,
    SubsidyDocument,
    SubsidyStatus,
)
from vrijstad.subsidies.services.amounts import (
    reasoning_of,
)
from vrijstad.subsidies.services.base import (
    MAX_AMOUNT_CENTS,
    MAX_DOCUMENT_BYTES,
    DocumentTooLarge,
    SubsidyError,
    require_applicant,
    require_editable,
)

# Cost lines and documents ------------------------------------------------------------------

logging.getLogger("pypdf").setLevel(logging.ERROR)  # a damaged PDF is our error message


def check_pdf(data: bytes, field_name: str = "file") -> int:
    """The page count of a real PDF, read by its content (not its name or type header)."""
    if len(data) > MAX_DOCUMENT_BYTES:
        raise DocumentTooLarge(_("A document may be at most 10 MB."), field_name)
    if not data.startswith(b"%PDF-"):
        raise SubsidyError(_("Upload the document as a PDF file."), field_name)
    try:
        pages = len(PdfReader(io.BytesIO(data), strict=False).pages)
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
        raise SubsidyError(_("This PDF file is damaged or cannot be read."), field_name) from exc
    if pages < 1:
        raise SubsidyError(_("This PDF file has no pages."), field_name)
    return pages


def _safe_filename(name: str, fallback: str) -> str:
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(c for c in base if c.isprintable() and c not in '"<>|:*?').strip(". ")
    base = base[:150] or fallback
    return base if base.lower().endswith(".pdf") else base + ".pdf"


def _store(
    actor: User,
    application: SubsidyApplication,
    kind: DocumentKind,
    filename: str,
    data: bytes,
    field_name: str,
    cost_line: CostLine | None = None,
) -> SubsidyDocument:
    pages = check_pdf(data, field_name)
    key = f"subsidies/{application.id}/{uuid.uuid4().hex}.pdf"
    document = SubsidyDocument(
        application=application,
        kind=kind,
        filename=_safe_filename(filename, kind.value),
        storage_key=key,
        size=len(data),
        pages=pages,
        uploaded_by_id=actor.id,
        cost_line_id=cost_line.id if cost_line else None,
    )
    db.session.add(document)
    db.session.flush()
    put_in_transaction(key, data, "application/pdf")
    return document


def add_cost_line(
    actor: User,
    application: SubsidyApplication,
    description: str,
    category: CostCategory,
    amount_cents: int,
    includes_vat: bool = False,
    supplier: str | None = None,
    quote: tuple[str, bytes] | None = None,
) -> CostLine:
    """The applicant adds a cost from a quote, excluding VAT (VAT is never eligible)."""
    require_applicant(actor, application)
    require_editable(application)
    if includes_vat:
        raise SubsidyError(
            _(
                "Enter the amount excluding VAT: VAT is never eligible for a "
                "subsidy. Take the amount before VAT from the quote."
            ),
            "includes_vat",
        )
    description = (description or "").strip()
    if not description:
        raise SubsidyError(_("Describe the cost."), "description")
    if not 0 < amount_cents <= MAX_AMOUNT_CENTS:
        raise SubsidyError(_("Enter an amount above € 0."), "amount")
    line = CostLine(
        application=application,
        description=description[:200],
        supplier=(supplier or "").strip()[:160] or None,
        category=CostCategory(category),
        amount_cents=amount_cents,
    )
    db.session.add(line)
    db.session.flush()
    if quote is not None:
        _store(actor, application, DocumentKind.QUOTE, quote[0], quote[1], "quote", line)
    record_event(
        actor,
        "subsidy.cost_added",
        application,
        application.scheme.organisation_id,
        line=line.id,
        cents=amount_cents,
    )
    return line


def remove_cost_line(actor: User, application: SubsidyApplication, line: CostLine) -> None:
    """The applicant removes a cost line and its quote."""
    require_applicant(actor, application)
    require_editable(application)
    if line.application_id != application.id:
        raise SubsidyError(_("This cost line is not part of the application."))
    for document in list(application.documents):
        if document.cost_line_id == line.id:
            _drop_document(application, document)
    application.cost_lines.remove(line)
    db.session.flush()
    record_event(
        actor, "subsidy.cost_removed", application, application.scheme.organisation_id, line=line.id
    )


def add_quote(
    actor: User, application: SubsidyApplication, line: CostLine, filename: str, data: bytes
) -> SubsidyDocument:
    """Attach (or replace) the quote of a cost line."""
    require_applicant(actor, application)
    require_editable(application)
    if line.application_id != application.id:
        raise SubsidyError(_("This cost line is not part of the application."))
    old = [d for d in application.documents if d.cost_line_id == line.id]
    document = _store(actor, application, DocumentKind.QUOTE, filename, data, "quote", line)
    for previous in old:
        _drop_document(application, previous)
    return document


def add_document(
    actor: User, application: SubsidyApplication, kind: DocumentKind, filename: str, data: bytes
) -> SubsidyDocument:
    """The applicant uploads a document (a PDF, checked by its content)."""
    require_applicant(actor, application)
    kind = DocumentKind(kind)
    if kind == DocumentKind.QUOTE:
        raise SubsidyError(_("Attach a quote to its cost line."), "kind")
    accounting = application.status in (SubsidyStatus.GRANTED, SubsidyStatus.ADVANCE_PAID)
    if kind == DocumentKind.ACCOUNTABILITY and not accounting:
        raise SubsidyError(_("Accountability evidence comes after the grant."), "kind")
    if kind != DocumentKind.ACCOUNTABILITY:
        require_editable(application)
    document = _store(actor, application, kind, filename, data, "file")
    record_event(
        actor,
        "subsidy.document",
        application,
        application.scheme.organisation_id,
        kind=kind.value,
        document=document.id,
    )
    return document


def _drop_document(application: SubsidyApplication, document: SubsidyDocument) -> None:
    application.documents.remove(document)
    db.session.delete(document)
    delete_after_commit(document.storage_key)


def remove_document(
    actor: User, application: SubsidyApplication, document: SubsidyDocument
) -> None:
    require_applicant(actor, application)
    require_editable(application)
    if document.application_id != application.id:
        raise SubsidyError(_("This document is not part of the application."))
    _drop_document(application, document)
    db.session.flush()


def missing_items(application: SubsidyApplication) -> list[str]:
    """What the application still lacks before it can be submitted."""
    missing = []
    if not application.cost_lines:
        missing.append(_("at least one cost line from a quote"))
    quoted = {d.cost_line_id for d in application.documents if d.cost_line_id}
    for line in application.cost_lines:
        if line.id not in quoted:
            missing.append(_("the quote for “%(line)s”", line=line.description))
    present = {DocumentKind(d.kind).value for d in application.documents}
    for kind in application.scheme.required_documents:
        if kind not in present:
            missing.append(label(DocumentKind(kind)))
    reasoning = reasoning_of(application)
    if application.cost_lines and reasoning.amount_cents <= 0:
        missing.append(_("costs in a category this scheme covers"))
    elif application.cost_lines and reasoning.below_minimum:
        missing.append(
            _(
                "an amount of at least %(amount)s (the scheme's minimum)",
                amount=eur_filter(application.scheme.min_amount_cents),
            )
        )
    return missing
