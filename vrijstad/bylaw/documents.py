"""The bylaw's letters to a unit's owner (PDF): the reminder of the reporting duty, the
invitation to consult and the escalation notice. Formal letters: the owner is "u"."""

from enum import StrEnum

from vrijstad import clock
from vrijstad.bylaw.models import BylawCase, VacancyBylaw
from vrijstad.bylaw.services import escalation_from, report_due_on
from vrijstad.i18n import date_filter
from vrijstad.i18n import gettext as _
from vrijstad.pdf import Document


class Letter(StrEnum):
    REMINDER = "reminder"
    INVITATION = "invitation"
    ESCALATION = "escalation"


def available(case: BylawCase) -> list[Letter]:
    """The letters the case's steps so far call for."""
    found = []
    if case.reminded_on is not None:
        found.append(Letter.REMINDER)
    if case.consult_on is not None:
        found.append(Letter.INVITATION)
    if case.escalated_on is not None:
        found.append(Letter.ESCALATION)
    return found


def letter_name(case: BylawCase, letter: Letter) -> str:
    return f"leegstand-{case.unit_id}-{letter.value}.pdf"


def _head(doc: Document, case: BylawCase, bylaw: VacancyBylaw) -> None:
    unit = case.unit
    # A unit held for an owner without an account (imported) has no user: the letter is
    # addressed to "the owner" and staff put the name from the relations log on the envelope.
    owner = unit.owner.name if unit.owner is not None else _("the owner")
    doc.rows(
        [
            (_("Date"), date_filter(clock.today(), "long")),
            (_("From"), bylaw.municipality),
            (_("To"), owner),
            (_("Unit"), f"{unit.address}, {unit.postcode} {unit.city}"),
            (_("BAG id"), unit.bag_id or "—"),
            (_("Vacant since"), date_filter(case.vacant_since, "long")),
            (_("Our reference"), f"LV-{case.id}"),
        ]
    )
    doc.paragraph(_("Dear %(name)s,", name=owner))


def _close(doc: Document, bylaw: VacancyBylaw) -> None:
    doc.paragraph(_("Yours sincerely,"))
    doc.paragraph(bylaw.municipality)


def letter_pdf(case: BylawCase, bylaw: VacancyBylaw, letter: Letter) -> bytes:
    """One of the case's letters as a PDF."""
    address = case.unit.address
    if letter == Letter.REMINDER:
        doc = Document(_("Reminder: reporting duty for a vacant unit"), author=bylaw.municipality)
        _head(doc, case, bylaw)
        doc.paragraph(
            _(
                "According to our information, the unit at %(address)s has been vacant since "
                "%(since)s. Under the vacancy bylaw of %(municipality)s, an owner must report "
                "a unit that has been vacant for six months; for this unit that was due on "
                "%(due)s.",
                address=address,
                since=date_filter(case.vacant_since, "long"),
                municipality=bylaw.municipality,
                due=date_filter(report_due_on(case.vacant_since), "long"),
            )
        )
        doc.paragraph(
            _(
                "We ask you to report the vacancy within two weeks of the date of this letter. "
                "Failing to report may be fined. If the unit is in use again, please let us "
                "know, so that we can close the file."
            )
        )
    elif letter == Letter.INVITATION:
        doc = Document(_("Invitation to consult about a vacant unit"), author=bylaw.municipality)
        _head(doc, case, bylaw)
        doc.paragraph(
            _(
                "The unit at %(address)s has been vacant since %(since)s. We invite you to "
                "consult with us about its use on %(date)s. We would like to discuss how the "
                "unit can be used again soon, and what we can offer you, such as help with "
                "letting, a contest for starters or a subsidy.",
                address=address,
                since=date_filter(case.vacant_since, "long"),
                date=date_filter(case.consult_on, "long"),
            )
        )
        doc.paragraph(
            _("If this date does not suit you, please propose another date within two weeks.")
        )
    else:
        doc = Document(_("Notice: proposal of a user for a vacant unit"), author=bylaw.municipality)
        _head(doc, case, bylaw)
        doc.paragraph(
            _(
                "The unit at %(address)s has been vacant for twelve months or longer, since "
                "%(since)s (twelve months on %(twelve)s). After our consultation, the unit is "
                "still not in use.",
                address=address,
                since=date_filter(case.vacant_since, "long"),
                twelve=date_filter(escalation_from(case.vacant_since), "long"),
            )
        )
        doc.paragraph(
            _(
                "Under the vacancy bylaw, %(municipality)s may therefore propose a user for the "
                "unit. We will send you the proposal; you are asked to give the proposed user "
                "the opportunity to rent the unit on reasonable terms.",
                municipality=bylaw.municipality,
            )
        )
    _close(doc, bylaw)
    return doc.output()
