"""Recording audit events."""

from vrijstad.audit.models import AuditEvent
from vrijstad.extensions import db


def record_event(
    actor, action: str, subject, organisation_id: int | None = None, **data
) -> AuditEvent:
    """Add an audit event for an action on a record (flushed with the caller's transaction)."""
    event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        organisation_id=organisation_id,
        action=action,
        subject_type=type(subject).__name__,
        subject_id=getattr(subject, "id", None),
        data=data,
    )
    db.session.add(event)
    return event
