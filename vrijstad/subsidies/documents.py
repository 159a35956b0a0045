"""The grant letter (PDF) and the scheme exports for the provincial or municipal report."""

import csv
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import openpyxl
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from vrijstad import clock
from vrijstad.i18n import date_filter, eur_filter
from vrijstad.i18n import gettext as _
from vrijstad.money import cents_text
from vrijstad.pdf import Document
from vrijstad.subsidies import services
from vrijstad.subsidies.models import SubsidyApplication, SubsidyScheme


def reasoning_rows(reasoning: services.Reasoning) -> list[tuple[str, str]]:
    """The steps from costs to amount, as label/value rows (the page shows the same)."""
    rows = [(_("Costs excl. VAT"), eur_filter(reasoning.total_cents))]
    for description, cents in reasoning.ineligible:
        rows.append((_("Not eligible: %(line)s", line=description), "- " + eur_filter(cents)))
    rows.append((_("Eligible costs"), eur_filter(reasoning.eligible_cents)))
    rows.append((_("%(pct)s of the eligible costs", pct=services.percent(reasoning.percentage_bp)),
                 eur_filter(reasoning.share_cents)))  # fmt: skip
    if reasoning.capped:
        label = (_("Capped at the amount granted") if reasoning.cap_kind == "grant"
                 else _("Capped at the maximum per activity"))  # fmt: skip
        rows.append((label, eur_filter(reasoning.cap_cents)))
    rows.append((_("Amount"), eur_filter(reasoning.amount_cents)))
    return rows


def grant_letter_pdf(application: SubsidyApplication) -> bytes:
    """The grant decision: parties, project, the amount and how it follows, payment, conditions."""
    scheme = application.scheme
    organisation = scheme.organisation
    doc = Document(_("Grant decision %(dossier)s", dossier=application.dossier_number),
                   author=organisation.name)  # fmt: skip
    doc.rows([
        (_("Dossier number"), application.dossier_number or ""),
        (_("Date of decision"), date_filter(application.decided_on)),
        (_("Scheme"), scheme.name),
        (_("Provider"), f"{scheme.provider_name} ({services.provider_label(scheme.provider)})"),
        (_("Handled by"), organisation.name),
    ])  # fmt: skip
    doc.heading(_("Applicant"))
    location = ", ".join(p for p in (application.address, application.street.name
                                     if application.street else None) if p)  # fmt: skip
    doc.rows([
        (_("Name"), application.applicant_name),
        (_("KvK number"), application.applicant_kvk),
        (_("Applies as"), services.applicant_kind_label(application.applicant_kind)),
        (_("Location"), location),
    ])  # fmt: skip
    doc.heading(_("Project"))
    doc.rows([(_("Title"), application.title),
              (_("Work starts on"), date_filter(application.work_starts_on))])  # fmt: skip
    doc.paragraph(application.description)
    doc.heading(_("Amount granted"))
    doc.rows(reasoning_rows(services.reasoning_of(application)), label_width=110)
    doc.rows([(_("Granted"), eur_filter(application.granted_cents))], label_width=110)
    doc.heading(_("Payment"))
    advance = services.advance_of(application)
    if advance:
        doc.paragraph(_("An advance of %(advance)s (%(pct)s of the grant) is paid after this "
                        "decision; the rest follows once the final amount has been set.",
                        advance=eur_filter(advance),
                        pct=services.percent(scheme.advance_bp)))  # fmt: skip
    else:
        doc.paragraph(_("The subsidy is paid once the final amount has been set."))
    doc.heading(_("Conditions"))
    if application.conditions:
        doc.paragraph(application.conditions)
    doc.paragraph(_("After the activity, account for the actual costs excluding VAT with the "
                    "invoices. The final amount is set on the actual costs and is never more "
                    "than the amount granted; an advance above it is reclaimed. VAT is never "
                    "subsidised."))  # fmt: skip
    doc.paragraph(_("This grant is recorded against KvK number %(kvk)s for the de-minimis aid "
                    "ceiling.", kvk=application.applicant_kvk))  # fmt: skip
    return doc.output()


# Exports -----------------------------------------------------------------------------------

COLUMNS = (
    "dossiernummer", "ontvangen_op", "aanvrager", "kvk", "soort_aanvrager", "project", "straat",
    "status", "beslistermijn", "besloten_op", "gevraagd", "verleend", "voorschot", "vastgesteld",
    "uitbetaald",
)  # fmt: skip
SUMMARY = ("plafond", "verleend_of_vastgesteld", "gereserveerd", "beschikbaar", "uitbetaald")
MONEY_COLUMNS = {"gevraagd", "verleend", "voorschot", "vastgesteld", "uitbetaald"}


@dataclass(frozen=True)
class Export:
    records: list[dict[str, object]]
    summary: dict[str, int]


def export_data(scheme: SubsidyScheme, applications: list[SubsidyApplication],
                budget: services.Budget) -> Export:  # fmt: skip
    """One record per submitted application (in order of receipt), amounts in cents."""
    records = []
    for a in applications:
        if a.submitted_at is None:
            continue
        records.append({
            "dossiernummer": a.dossier_number,
            "ontvangen_op": clock.local_date(a.submitted_at),
            "aanvrager": a.applicant_name,
            "kvk": a.applicant_kvk,
            "soort_aanvrager": a.applicant_kind.value,
            "project": a.title,
            "straat": a.street.name if a.street else None,
            "status": a.status.value,
            "beslistermijn": services.decision_deadline(a),
            "besloten_op": a.decided_on,
            "gevraagd": a.requested_cents,
            "verleend": a.granted_cents,
            "voorschot": a.advance_cents,
            "vastgesteld": a.final_cents,
            "uitbetaald": a.paid_cents,
        })  # fmt: skip
    summary = {
        "plafond": budget.ceiling_cents, "verleend_of_vastgesteld": budget.committed_cents,
        "gereserveerd": budget.reserved_cents, "beschikbaar": budget.available_cents,
        "uitbetaald": budget.paid_cents,
    }  # fmt: skip
    return Export(records, summary)


_FORMULA_START = ("=", "+", "-", "@")


def _csv_text(column: str, value: object) -> str:
    if value is None:
        return ""
    if column in MONEY_COLUMNS:
        return cents_text(int(value))
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text  # never a formula


def export_csv(data: Export) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(COLUMNS)
    for record in data.records:
        writer.writerow([_csv_text(column, record[column]) for column in COLUMNS])
    return out.getvalue().encode("utf-8-sig")  # the BOM makes Excel read UTF-8


def _euros(cents: int | None) -> Decimal | None:
    return None if cents is None else Decimal(int(cents)).scaleb(-2)


def export_xlsx(data: Export, scheme_name: str) -> bytes:
    """Sheet "aanvragen" with a row per application, sheet "budget" with the scheme's totals."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "aanvragen"
    sheet.append(COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for row, record in enumerate(data.records, start=2):
        for position, column in enumerate(COLUMNS, start=1):
            value = record[column]
            if column in MONEY_COLUMNS:
                value = _euros(value)
            elif isinstance(value, str):
                value = ILLEGAL_CHARACTERS_RE.sub("", value)
            cell = sheet.cell(row=row, column=position, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # text, never a formula
            elif isinstance(value, Decimal):
                cell.number_format = "#,##0.00"
            elif isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
    budget = workbook.create_sheet("budget")
    budget.append(["regeling", ILLEGAL_CHARACTERS_RE.sub("", scheme_name)])
    budget["B1"].data_type = "s"
    for key in SUMMARY:
        budget.append([key, _euros(data.summary[key])])
        budget.cell(row=budget.max_row, column=2).number_format = "#,##0.00"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
