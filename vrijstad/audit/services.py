"""Recording audit events."""

from vrijstad.audit.models import AuditEvent
from vrijstad.database import insert_rows
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


def record_events(
    actor, action: str, subject_type: str, events: list[tuple[int | None, int | None, dict]]
) -> None:
    """Many events of one action at once (subject id, organisation id, data each), inserted in
    batches within the caller's transaction: what record_event does per event."""
    insert_rows(
        AuditEvent.__table__,
        [
            {
                "actor_id": getattr(actor, "id", None),
                "organisation_id": organisation_id,
                "action": action,
                "subject_type": subject_type,
                "subject_id": subject_id,
                "data": data,
            }
            for subject_id, organisation_id, data in events
        ],
    )
