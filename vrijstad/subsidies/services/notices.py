"""Notices to the applicant and the staff, with raw values the reader's language formats."""

from collections.abc import Sequence

from vrijstad.auth.models import User
from vrijstad.notifications.services import notify
from vrijstad.organisations.services import staff_of
from vrijstad.subsidies.models import (
    SubsidyApplication,
)
from vrijstad.subsidies.services.clock import decision_deadline

# Notices -----------------------------------------------------------------------------------


def notice_data(application: SubsidyApplication, **extra: object) -> dict[str, object]:
    """What a notice needs, as raw values: the reader's language formats amount and date."""
    due = decision_deadline(application)
    return {
        "scheme": application.scheme.name,
        "applicant": application.applicant_name,
        "dossier": application.dossier_number or "—",
        "deadline_on": due.isoformat() if due else None,
    } | extra


def notify_applicant(
    application: SubsidyApplication,
    kind: str,
    attachments: Sequence[tuple[str, str, bytes]] = (),
    **extra: object,
) -> None:
    """An in-app notice for the applicant, mailed after the commit."""
    notify(
        [application.applicant],
        f"subsidy.{kind}",
        "subsidies.detail",
        {"application_id": application.id},
        notice_data(application, **extra),
        attachments,
    )


def notify_staff(
    application: SubsidyApplication, kind: str, actor: User | None = None, **extra: object
) -> None:
    """A notice for the staff of the scheme's organisation (not the applicant, not the actor)."""
    skip = {application.applicant_id, actor.id if actor is not None else None}
    people = [p for p in staff_of(application.scheme.organisation_id) if p.id not in skip]
    notify(
        people,
        f"subsidy.{kind}",
        "subsidies.detail",
        {"application_id": application.id},
        notice_data(application, **extra),
    )
