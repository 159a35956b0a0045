"""Invoice runs, settlement runs and bulk invoice PDFs as background jobs."""

import io
import uuid
import zipfile
from datetime import date

import sqlalchemy as sa

from vrijstad import jobs
from vrijstad.auth.models import User
from vrijstad.billing import documents, services
from vrijstad.billing.models import Invoice
from vrijstad.extensions import db
from vrijstad.i18n import eur_filter, ngettext
from vrijstad.i18n import gettext as _
from vrijstad.letting.models import Collective
from vrijstad.organisations.models import Organisation
from vrijstad.organisations.services import can_manage
from vrijstad.storage import get_storage


def _actor(actor_id: int) -> User:
    actor = db.session.get(User, actor_id)
    if actor is None:
        raise services.BillingError(_("You do not work for this organisation."))
    return actor


def generate_invoices(
    actor_id: int, organisation_id: int, period: date, result_url: str, locale: str
) -> dict:
    """The invoice run of a month: one transaction, so a failed run issues nothing (and no
    invoice number is used up) and a retry issues each invoice once."""
    with jobs.as_user(locale):
        organisation = db.session.get_one(Organisation, organisation_id)
        run = services.generate_invoices(_actor(actor_id), organisation, period)
        db.session.commit()
        label = ngettext("%(num)d invoice issued.", "%(num)d invoices issued.", len(run.created))
        if run.skipped:
            label += " " + ngettext(
                "%(num)d placement was skipped (see the turnover reports).",
                "%(num)d placements were skipped (see the turnover reports).",
                len(run.skipped),
            )
        return {"url": result_url, "label": label}


def settle_collectives(
    actor_id: int,
    collective_ids: list[int],
    period: date,
    confirm_unchecked: bool,
    result_url: str,
    locale: str,
) -> dict:
    """Settle each collective's month in its own transaction. A retry after a failure skips
    the collectives already settled: calculate_settlement finds their settlement and books
    nothing again."""
    with jobs.as_user(locale):
        actor = _actor(actor_id)
        received = 0
        for done, collective_id in enumerate(collective_ids, start=1):
            collective = db.session.get_one(Collective, collective_id)
            jobs.set_progress(
                100 * (done - 1) / len(collective_ids),
                _(
                    "Settling %(name)s (%(done)d of %(total)d)",
                    name=collective.name,
                    done=done,
                    total=len(collective_ids),
                ),
            )
            settlement = services.calculate_settlement(actor, collective, period, confirm_unchecked)
            received += settlement.received_cents
            db.session.commit()
        if len(collective_ids) == 1:
            label = _(
                "Settlement of %(month)s: %(amount)s received and divided.",
                month=period.strftime("%m-%Y"),
                amount=eur_filter(received),
            )
        else:
            label = ngettext(
                "%(num)d collective settled for %(month)s.",
                "%(num)d collectives settled for %(month)s.",
                len(collective_ids),
                month=period.strftime("%m-%Y"),
            )
        return {"url": result_url, "label": label}


def download_key(collective_id: int, token: str) -> str:
    return f"downloads/collectives/{collective_id}/{token}.zip"


def new_token() -> str:
    return uuid.uuid4().hex


def valid_token(token: str) -> bool:
    return len(token) == 32 and all(c in "0123456789abcdef" for c in token)


def invoices_of_month(collective_id: int, period: date) -> sa.Select:
    return (
        sa.select(Invoice)
        .where(Invoice.collective_id == collective_id, Invoice.period == period)
        .order_by(Invoice.number)
    )


def invoice_pdfs_zip(
    actor_id: int, collective_id: int, period: date, token: str, result_url: str, locale: str
) -> dict:
    """One ZIP file with the PDF of every invoice of the collective's month, kept in storage;
    the result is its download link."""
    with jobs.as_user(locale):
        collective = db.session.get_one(Collective, collective_id)
        if not can_manage(_actor(actor_id), collective.organisation_id):
            raise services.BillingError(_("You do not work for this organisation."))
        invoices = db.session.scalars(invoices_of_month(collective.id, period)).all()
        if not invoices:
            raise services.BillingError(_("There are no invoices of this month yet."))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for done, invoice in enumerate(invoices, start=1):
                archive.writestr(f"invoice-{invoice.number}.pdf", documents.invoice_pdf(invoice))
                jobs.set_progress(
                    95 * done / len(invoices),
                    _("Invoice PDF %(done)d of %(total)d", done=done, total=len(invoices)),
                )
        get_storage().put(download_key(collective.id, token), out.getvalue(), "application/zip")
        label = ngettext(
            "Download the ZIP file (%(num)d invoice)",
            "Download the ZIP file (%(num)d invoices)",
            len(invoices),
        )
        return {"url": result_url, "label": label}
