"""Reads for subsidies: open schemes, an organisation's schemes, applications and history."""

from collections.abc import Sequence
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from vrijstad.audit.models import AuditEvent
from vrijstad.auth.models import User
from vrijstad.subsidies.models import (
    AWAITING_DECISION,
    SubsidyApplication,
    SubsidyScheme,
    SubsidyStatus,
)
from vrijstad.subsidies.services.clock import decision_deadline


def open_schemes() -> sa.Select:
    """Schemes that take applications, for everyone to read."""
    return (
        sa.select(SubsidyScheme)
        .where(SubsidyScheme.active.is_(True))
        .options(selectinload(SubsidyScheme.organisation))
        .order_by(SubsidyScheme.name, SubsidyScheme.id)
    )


def schemes_of(organisation_id: int) -> sa.Select:
    return (
        sa.select(SubsidyScheme)
        .where(SubsidyScheme.organisation_id == organisation_id)
        .order_by(SubsidyScheme.name, SubsidyScheme.id)
    )


def applications_of(user_id: int) -> sa.Select:
    """A person's own applications, newest first."""
    return (
        sa.select(SubsidyApplication)
        .where(SubsidyApplication.applicant_id == user_id)
        .options(selectinload(SubsidyApplication.scheme))
        .order_by(SubsidyApplication.created_at.desc(), SubsidyApplication.id.desc())
    )


def scheme_applications(scheme_id: int) -> sa.Select:
    """A scheme's applications in order of complete submission (first come, first served);
    those not yet submitted last."""
    a = SubsidyApplication
    return (
        sa.select(a)
        .where(a.scheme_id == scheme_id)
        .options(selectinload(a.street), selectinload(a.cost_lines))
        .order_by(a.submitted_at.is_(None), a.submitted_at, a.id)
    )


def due_soon(
    applications: Sequence[SubsidyApplication], on: date, days: int = 7
) -> list[tuple[SubsidyApplication, date]]:
    """Applications awaiting a decision whose deadline falls within the coming days (or has
    passed), earliest first; a suspended clock has no fixed date and is left out."""
    horizon = on + timedelta(days=days)
    found = []
    for application in applications:
        if application.status not in AWAITING_DECISION or application.suspended_since:
            continue
        due = decision_deadline(application, on)
        if due is not None and due <= horizon:
            found.append((application, due))
    return sorted(found, key=lambda pair: (pair[1], pair[0].id))


def by_status(
    applications: Sequence[SubsidyApplication],
) -> dict[SubsidyStatus, list[SubsidyApplication]]:
    groups: dict[SubsidyStatus, list[SubsidyApplication]] = {status: [] for status in SubsidyStatus}
    for application in applications:
        groups[application.status].append(application)
    return groups


def history(application: SubsidyApplication) -> sa.Select:
    return (
        sa.select(AuditEvent, User)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .where(
            AuditEvent.subject_type == "SubsidyApplication",
            AuditEvent.subject_id == application.id,
        )
        .order_by(AuditEvent.created_at, AuditEvent.id)
    )
