"""The decision letters (PDF: grant and refusal), made and sent after the decision, and the
scheme exports for the provincial or municipal report."""

from dataclasses import dataclass
from operator import itemgetter

from vrijstad import clock
from vrijstad.exports import Column, Kind, Table
from vrijstad.i18n import date_filter, eur_filter, force_locale
from vrijstad.i18n import gettext as _
from vrijstad.labels import label
from vrijstad.pdf import Document
from vrijstad.subsidies.models import SubsidyApplication, SubsidyScheme, SubsidyStatus
from vrijstad.subsidies.services.amounts import Budget, Reasoning, advance_of, reasoning_of
from vrijstad.subsidies.services.clock import decision_deadline, objection_deadline
from vrijstad.subsidies.services.notices import notify_applicant


def percent(basis_points: int) -> str:
    """5000 → '50 %', 1250 → '12,50 %'."""
    whole, part = divmod(basis_points, 100)
    return f"{whole},{part:02d} %" if part else f"{whole} %"


def reasoning_rows(reasoning: Reasoning) -> list[tuple[str, str]]:
    """The steps from costs to amount, as label/value rows (the page shows the same)."""
    rows = [(_("Costs excl. VAT"), eur_filter(reasoning.total_cents))]
    for description, cents in reasoning.ineligible:
        rows.append((_("Not eligible: %(line)s", line=description), "- " + eur_filter(cents)))
    rows.append((_("Eligible costs"), eur_filter(reasoning.eligible_cents)))
    rows.append(
        (
            _("%(pct)s of the eligible costs", pct=percent(reasoning.percentage_bp)),
            eur_filter(reasoning.share_cents),
        )
    )
    if reasoning.capped:
        label = (
            _("Capped at the amount granted")
            if reasoning.cap_kind == "grant"
            else _("Capped at the maximum per activity")
        )
        rows.append((label, eur_filter(reasoning.cap_cents)))
    rows.append((_("Amount"), eur_filter(reasoning.amount_cents)))
    return rows


def decision_facts(doc: Document, application: SubsidyApplication) -> None:
    """The head of a decision letter: dossier, date, scheme, provider and who handled it."""
    scheme = application.scheme
    doc.rows(
        [
            (_("Dossier number"), application.dossier_number or ""),
            (_("Date of decision"), date_filter(application.decided_on)),
            (_("Scheme"), scheme.name),
            (_("Provider"), f"{scheme.provider_name} ({label(scheme.provider)})"),
            (_("Handled by"), scheme.organisation.name),
        ]
    )


def grant_letter_pdf(application: SubsidyApplication) -> bytes:
    """The grant decision: parties, project, the amount and how it follows, payment, conditions."""
    scheme = application.scheme
    doc = Document(
        _("Grant decision %(dossier)s", dossier=application.dossier_number),
        author=scheme.organisation.name,
    )
    decision_facts(doc, application)
    doc.heading(_("Applicant"))
    doc.rows(
        [
            (_("Name"), application.applicant_name),
            (_("KvK number"), application.applicant_kvk),
            (_("Applies as"), label(application.applicant_kind)),
            (_("Location"), application.location),
        ]
    )
    doc.heading(_("Project"))
    doc.rows(
        [
            (_("Title"), application.title),
            (_("Work starts on"), date_filter(application.work_starts_on)),
        ]
    )
    doc.paragraph(application.description)
    doc.heading(_("Amount granted"))
    doc.rows(reasoning_rows(reasoning_of(application)), label_width=110)
    doc.rows([(_("Granted"), eur_filter(application.granted_cents))], label_width=110)
    doc.heading(_("Payment"))
    advance = advance_of(application)
    if advance:
        doc.paragraph(
            _(
                "An advance of %(advance)s (%(pct)s of the grant) is paid after this "
                "decision; the rest follows once the final amount has been set.",
                advance=eur_filter(advance),
                pct=percent(scheme.advance_bp),
            )
        )
    else:
        doc.paragraph(_("The subsidy is paid once the final amount has been set."))
    doc.heading(_("Conditions"))
    if application.conditions:
        doc.paragraph(application.conditions)
    doc.paragraph(
        _(
            "After the activity, account for the actual costs excluding VAT with the "
            "invoices. The final amount is set on the actual costs and is never more "
            "than the amount granted; an advance above it is reclaimed. VAT is never "
            "subsidised."
        )
    )
    doc.paragraph(
        _(
            "This grant is recorded against KvK number %(kvk)s for the de-minimis aid ceiling.",
            kvk=application.applicant_kvk,
        )
    )
    objection_clause(doc, application)
    return doc.output()


def objection_clause(doc: Document, application: SubsidyApplication) -> None:
    """How to object (Awb 6:7): within six weeks of the day after the decision was sent (it is
    sent on the day of the decision), to the body named on the scheme, by a signed letter."""
    if application.decided_on is None:
        return
    doc.heading(_("Objection"))
    doc.paragraph(
        _(
            "If you do not agree with this decision, you can object to it. Do so within six "
            "weeks of the day after this decision was sent, so no later than %(date)s, with "
            "%(body)s.",
            date=date_filter(objection_deadline(application.decided_on), "long"),
            body=application.scheme.provider_name,
        )
    )
    doc.paragraph(
        _(
            "Send a signed letter (notice of objection) stating your name and address, the "
            "date, the decision you object to (dossier number %(dossier)s of %(decided)s) and "
            "the reasons why you object.",
            dossier=application.dossier_number,
            decided=date_filter(application.decided_on, "long"),
        )
    )


def grant_letter_name(application: SubsidyApplication) -> str:
    return f"grant-{application.dossier_number}.pdf"


def send_grant_letter(application: SubsidyApplication) -> None:
    """After the grant: the letter in the applicant's language, attached to their notice."""
    if application.granted_cents is None:
        raise ValueError("send_grant_letter follows services.grant")
    with force_locale(application.applicant.locale or "nl"):
        letter = grant_letter_pdf(application)
    notify_applicant(
        application,
        "granted",
        [(grant_letter_name(application), "application/pdf", letter)],
        amount_cents=application.granted_cents,
    )


def rejection_letter_pdf(application: SubsidyApplication) -> bytes:
    """The refusal: the decision, its reasons as staff gave them, and how to object."""
    scheme = application.scheme
    doc = Document(
        _("Decision %(dossier)s: not granted", dossier=application.dossier_number),
        author=scheme.organisation.name,
    )
    decision_facts(doc, application)
    doc.heading(_("Applicant"))
    doc.rows(
        [
            (_("Name"), application.applicant_name),
            (_("KvK number"), application.applicant_kvk),
            (_("Project"), application.title),
        ]
    )
    doc.heading(_("Decision"))
    doc.paragraph(
        _(
            "We do not grant your application for a subsidy under the scheme %(scheme)s.",
            scheme=scheme.name,
        )
    )
    doc.heading(_("Reasons"))
    doc.paragraph(application.rejection_reason or "")
    objection_clause(doc, application)
    return doc.output()


def rejection_letter_name(application: SubsidyApplication) -> str:
    return f"decision-{application.dossier_number}.pdf"


def send_rejection_letter(application: SubsidyApplication) -> None:
    """After the refusal: the letter in the applicant's language, attached to their notice."""
    if application.status != SubsidyStatus.REJECTED:
        raise ValueError("send_rejection_letter follows services.reject")
    with force_locale(application.applicant.locale or "nl"):
        letter = rejection_letter_pdf(application)
    notify_applicant(
        application,
        "rejected",
        [(rejection_letter_name(application), "application/pdf", letter)],
    )


# Exports -----------------------------------------------------------------------------------

COLUMNS = (
    "dossiernummer",
    "ontvangen_op",
    "aanvrager",
    "kvk",
    "soort_aanvrager",
    "project",
    "straat",
    "status",
    "beslistermijn",
    "besloten_op",
    "gevraagd",
    "verleend",
    "voorschot",
    "vastgesteld",
    "uitbetaald",
)
SUMMARY = ("plafond", "verleend_of_vastgesteld", "gereserveerd", "beschikbaar", "uitbetaald")
MONEY_COLUMNS = {"gevraagd", "verleend", "voorschot", "vastgesteld", "uitbetaald"}


@dataclass(frozen=True)
class Export:
    records: list[dict[str, object]]
    summary: dict[str, int]


def export_data(
    scheme: SubsidyScheme, applications: list[SubsidyApplication], budget: Budget
) -> Export:
    """One record per submitted application (in order of receipt), amounts in cents."""
    records: list[dict[str, object]] = []
    for a in applications:
        if a.submitted_at is None:
            continue
        records.append(
            {
                "dossiernummer": a.dossier_number,
                "ontvangen_op": clock.local_date(a.submitted_at),
                "aanvrager": a.applicant_name,
                "kvk": a.applicant_kvk,
                "soort_aanvrager": a.applicant_kind.value,
                "project": a.title,
                "straat": a.street.name if a.street else None,
                "status": a.status.value,
                "beslistermijn": decision_deadline(a),
                "besloten_op": a.decided_on,
                "gevraagd": a.requested_cents,
                "verleend": a.granted_cents,
                "voorschot": a.advance_cents,
                "vastgesteld": a.final_cents,
                "uitbetaald": a.paid_cents,
            }
        )
    summary = {
        "plafond": budget.ceiling_cents,
        "verleend_of_vastgesteld": budget.committed_cents,
        "gereserveerd": budget.reserved_cents,
        "beschikbaar": budget.available_cents,
        "uitbetaald": budget.paid_cents,
    }
    return Export(records, summary)


DATE_COLUMNS = {"ontvangen_op", "beslistermijn", "besloten_op"}


def _kind(column: str) -> Kind:
    if column in MONEY_COLUMNS:
        return Kind.EUR
    return Kind.DATE if column in DATE_COLUMNS else Kind.TEXT


def export_tables(data: Export, scheme_name: str) -> list[Table]:
    """Sheet "aanvragen" with a row per application (the CSV holds only this one), sheet
    "budget" with the scheme's totals."""
    applications = Table(
        "aanvragen", [Column(c, itemgetter(c), _kind(c)) for c in COLUMNS], data.records
    )
    budget = Table(
        "budget",
        [
            Column("regeling", lambda key: scheme_name),
            Column("post", str),
            Column("bedrag", data.summary.get, Kind.EUR),
        ],
        SUMMARY,
    )
    return [applications, budget]
