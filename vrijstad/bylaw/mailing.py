"""Mailing a bylaw letter to the unit's owner: the PDF attached, in the owner's language.

The owner is the unit's landlord account; a unit held for an owner without an account is
mailed to the address of the organisation's relation that holds it. Without an address the
letter is only downloaded, and staff post it.
"""

from dataclasses import dataclass

from vrijstad.audit.services import record_event
from vrijstad.auth.models import User
from vrijstad.bylaw.documents import Letter, letter_name, letter_pdf
from vrijstad.bylaw.models import BylawCase
from vrijstad.bylaw.services import bylaw_of
from vrijstad.extensions import db
from vrijstad.i18n import force_locale
from vrijstad.i18n import gettext as _
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.notifications.mail import queue_mail
from vrijstad.relations import services as relations
from vrijstad.relations.models import Relation

#: Each letter's mail subject (the letter's own title).
SUBJECTS = {
    Letter.REMINDER: _l("Reminder: reporting duty for a vacant unit"),
    Letter.INVITATION: _l("Invitation to consult about a vacant unit"),
    Letter.ESCALATION: _l("Notice: proposal of a user for a vacant unit"),
}


@dataclass(frozen=True)
class Recipient:
    name: str
    email: str
    locale: str


def recipient(case: BylawCase) -> Recipient | None:
    """Where the case's letters go: the owner's account, else the relation holding the unit
    (with an e-mail address); None when neither has one."""
    owner = case.unit.owner
    if owner is not None:
        return Recipient(owner.name, owner.email, owner.locale or "nl")
    relation = db.session.scalar(
        relations.relations_of_unit(case.organisation_id, case.unit_id)
        .where(Relation.email.is_not(None))
        .limit(1)
    )
    if relation is None or relation.email is None:
        return None
    return Recipient(relation.name, relation.email, "nl")


def mail_letter(actor: User, case: BylawCase, letter: Letter) -> Recipient | None:
    """Mail the letter to the owner after the commit; who it went to (None: nobody, post it)."""
    to = recipient(case)
    bylaw = bylaw_of(case.organisation_id)
    if to is None or bylaw is None:
        return None
    with force_locale(to.locale):
        title = str(SUBJECTS[letter])
        queue_mail(
            to.email,
            f"{title} · {case.unit.address}",
            "bylaw_letter",
            attachments=[
                (letter_name(case, letter), "application/pdf", letter_pdf(case, bylaw, letter))
            ],
            name=to.name,
            title=title,
            address=f"{case.unit.address}, {case.unit.city}",
            municipality=bylaw.municipality,
            reference=f"LV-{case.id}",
        )
    record_event(actor, "bylaw.letter_mailed", case, case.organisation_id, letter=letter.value)
    return to


def mailed_message(to: Recipient | None) -> str:
    """What staff are told after a step with a letter: where it went, or to post it."""
    if to is None:
        return _(
            "The step is recorded. No e-mail address is known for the owner: download the "
            "letter and post it."
        )
    return _(
        "The step is recorded and the letter is mailed to %(email)s; you can also download it.",
        email=to.email,
    )
