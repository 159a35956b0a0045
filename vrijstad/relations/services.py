"""Relations: the people and companies an organisation deals with, kept by its staff only.

- A relation belongs to one organisation; only its staff (and platform admins) see it. One
  e-mail address is one relation per organisation. A relation whose address is that of an
  account is linked to it, so the person's privacy export and erasure include it.
- Each contact (a call, visit, e-mail or agreement) goes on the relation's timeline with who
  logged it. Logging a contact closes the open follow-up and sets the next, if one is given;
  a follow-up is on the staff's "Te doen" list until it is done.
- An owner without an account: a unit import creates the owner relation and the units are held
  for the organisation (no owner, so they stay drafts). The invitation mails a signed link
  with which the owner makes an account (or logs in with the same address) and claims every
  held unit of the relation.
- A message goes to a segment (street, months vacant, kind) and is recorded per relation: the
  address it went to, or none when the relation has no e-mail address (not reached). An
  empty segment, subject or text is refused.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app, url_for
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from vrijstad import clock
from vrijstad.areas.models import Area
from vrijstad.audit.services import record_event
from vrijstad.auth.models import User
from vrijstad.auth.services import find_user_by_email, normalise_email, register_user
from vrijstad.core import DomainError
from vrijstad.extensions import db
from vrijstad.i18n import gettext as _
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.notifications.mail import queue_mail
from vrijstad.organisations.models import Organisation
from vrijstad.organisations.services import can_manage
from vrijstad.relations.models import (
    Contact,
    ContactKind,
    Message,
    MessageSend,
    Relation,
    RelationKind,
    relation_units,
)
from vrijstad.security import link_signing_keys
from vrijstad.units.models import Unit, UnitStatus

CLAIM_SALT = "relation-claim"
#: Days an owner's invitation link stays valid.
CLAIM_DAYS = 30


class RelationError(DomainError):
    """A change to a relation was refused; field names the form field, if any."""


def may_see(user: User, relation: Relation) -> bool:
    """Staff of the relation's organisation, and platform admins."""
    return can_manage(user, relation.organisation_id)


# Relations ------------------------------------------------------------------------------------


def _check_email(organisation_id: int, email: str | None, relation_id: int | None) -> str | None:
    if not email:
        return None
    email = normalise_email(email)
    other = db.session.scalar(
        sa.select(Relation.id).where(
            Relation.organisation_id == organisation_id,
            Relation.email == email,
            Relation.id != (relation_id or 0),
        )
    )
    if other is not None:
        raise RelationError(_l("Another relation already has this e-mail address."), "email")
    return email


def organisation_units(organisation_id: int) -> sa.Select[Unit]:
    """The units in the organisation's areas, by address."""
    return (
        sa.select(Unit)
        .join(Area, Area.id == Unit.area_id)
        .where(Area.organisation_id == organisation_id)
        .order_by(Unit.street, Unit.house_number, Unit.id)
    )


def _organisation_units(organisation_id: int, unit_ids: list[int]) -> list[Unit]:
    units = list(
        db.session.scalars(organisation_units(organisation_id).where(Unit.id.in_(unit_ids)))
    )
    if len(units) != len(set(unit_ids)):
        raise RelationError(_l("Choose units of your own organisation."), "units")
    return units


def _apply(relation: Relation, data: dict[str, Any]) -> None:
    relation.email = _check_email(relation.organisation_id, data.get("email"), relation.id)
    relation.kind = RelationKind(data["kind"])
    relation.name = data["name"].strip()
    relation.company = (data.get("company") or "").strip() or None
    relation.phone = (data.get("phone") or "").strip() or None
    if not relation.name:
        raise RelationError(_l("Give the relation a name."), "name")
    account = find_user_by_email(relation.email) if relation.email else None
    relation.user_id = account.id if account is not None else None
    relation.units = _organisation_units(relation.organisation_id, data.get("units") or [])


def create_relation(actor: User, organisation: Organisation, data: dict[str, Any]) -> Relation:
    """A new relation of the organisation."""
    if not can_manage(actor, organisation.id):
        raise RelationError(_l("You do not work for this organisation."))
    relation = Relation(organisation_id=organisation.id)
    _apply(relation, data)
    db.session.add(relation)
    db.session.flush()
    record_event(actor, "relation.created", relation, organisation.id)
    return relation


def update_relation(actor: User, relation: Relation, data: dict[str, Any]) -> Relation:
    """Change a relation's details and units."""
    if not may_see(actor, relation):
        raise RelationError(_l("You do not work for this organisation."))
    _apply(relation, data)
    db.session.flush()
    record_event(actor, "relation.updated", relation, relation.organisation_id)
    return relation


# Contacts and follow-ups ----------------------------------------------------------------------


def log_contact(
    actor: User,
    relation: Relation,
    kind: ContactKind,
    happened_on: date,
    note: str,
    next_on: date | None = None,
    next_what: str | None = None,
) -> Contact:
    """Put a contact on the timeline; it closes the open follow-up and sets the next one."""
    if happened_on > clock.today():
        raise RelationError(_l("A contact cannot be in the future."), "happened_on")
    next_what = (next_what or "").strip() or None
    if next_on is not None and next_on < clock.today():
        raise RelationError(_l("The next follow-up cannot be in the past."), "next_on")
    if (next_on is None) != (next_what is None):
        field = "next_what" if next_what is None else "next_on"
        raise RelationError(_l("Give both the date and what to do, or neither."), field)
    contact = Contact(
        relation_id=relation.id,
        kind=kind,
        happened_on=happened_on,
        note=(note or "").strip(),
        by_id=actor.id,
    )
    db.session.add(contact)
    relation.follow_up_on, relation.follow_up_what = next_on, next_what
    db.session.flush()
    return contact


def set_follow_up(relation: Relation, on: date, what: str) -> Relation:
    """Plan the next follow-up (replacing the open one)."""
    if on < clock.today():
        raise RelationError(_l("The next follow-up cannot be in the past."), "on")
    if not (what or "").strip():
        raise RelationError(_l("Say what to do."), "what")
    relation.follow_up_on, relation.follow_up_what = on, what.strip()
    db.session.flush()
    return relation


def finish_follow_up(relation: Relation) -> Relation:
    """The follow-up is done: off the "Te doen" list."""
    relation.follow_up_on = relation.follow_up_what = None
    db.session.flush()
    return relation


@dataclass(frozen=True)
class Entry:
    """One line of a relation's timeline: a contact, or a message sent (or not reached)."""

    on: date
    logged_at: datetime
    contact: Contact | None = None
    send: MessageSend | None = None


def timeline(relation: Relation) -> list[Entry]:
    """Contacts and messages, newest first."""
    entries = [Entry(c.happened_on, c.created_at, contact=c) for c in relation.contacts]
    sends = db.session.scalars(
        sa.select(MessageSend)
        .join(Message, Message.id == MessageSend.message_id)
        .where(MessageSend.relation_id == relation.id)
    )
    entries += [
        Entry(clock.local_date(s.message.created_at), s.message.created_at, send=s) for s in sends
    ]
    return sorted(entries, key=lambda e: (e.on, clock.as_utc(e.logged_at)), reverse=True)


# Owners without an account ---------------------------------------------------------------------


def owner_relation(organisation_id: int, email: str, user: User | None) -> Relation:
    """The organisation's relation for an owner's address, made when there is none (an
    import): linked to the account when there is one."""
    email = normalise_email(email)
    relation = db.session.scalar(
        sa.select(Relation).where(
            Relation.organisation_id == organisation_id, Relation.email == email
        )
    )
    if relation is None:
        relation = Relation(
            organisation_id=organisation_id, kind=RelationKind.OWNER, name=email, email=email
        )
        db.session.add(relation)
    if user is not None and relation.user_id is None:
        relation.user_id = user.id
    db.session.flush()
    return relation


def link_unit(relation: Relation, unit: Unit) -> None:
    """Record that the relation owns the unit (once)."""
    if unit not in relation.units:
        relation.units.append(unit)
    db.session.flush()


def relations_of_unit(organisation_id: int, unit_id: int) -> sa.Select[Relation]:
    """The organisation's relations linked to the unit (its owner, held or not), the first
    linked first."""
    return (
        sa.select(Relation)
        .join(relation_units, relation_units.c.relation_id == Relation.id)
        .where(Relation.organisation_id == organisation_id, relation_units.c.unit_id == unit_id)
        .order_by(Relation.id)
    )


def held_units(relation: Relation) -> list[Unit]:
    """The relation's units held for the organisation until an owner claims them."""
    return [unit for unit in relation.units if unit.owner_id is None]


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(link_signing_keys(current_app.config), salt=CLAIM_SALT)


def claim_token(relation: Relation) -> str:
    return str(_serializer().dumps({"r": relation.id, "e": relation.email}))


def invite_owner(actor: User, relation: Relation) -> str:
    """Mail the owner a signed link to make an account and claim the held units."""
    if not relation.email:
        raise RelationError(_l("This relation has no e-mail address to send an invitation to."))
    units = held_units(relation)
    if not units:
        raise RelationError(_l("This relation has no units waiting to be claimed."))
    token = claim_token(relation)
    organisation = db.session.get_one(Organisation, relation.organisation_id)
    queue_mail(
        relation.email,
        _("%(org)s invites you to Vrijstad for your units", org=organisation.name),
        "relation_claim",
        name=relation.name,
        organisation=organisation,
        inviter=actor,
        units=units,
        link=url_for("relations.claim", token=token, _external=True),
        days=CLAIM_DAYS,
    )
    record_event(actor, "relation.invited", relation, relation.organisation_id)
    return token


def relation_of_token(token: str) -> Relation:
    """The relation a claim link is for; a changed, expired or outdated link is refused."""
    try:
        data = _serializer().loads(token, max_age=int(timedelta(days=CLAIM_DAYS).total_seconds()))
        relation = db.session.get(Relation, int(data["r"]))
        email = str(data["e"])
    except SignatureExpired as exc:
        raise RelationError(_l("This link has expired. Ask for a new invitation.")) from exc
    except (BadSignature, KeyError, TypeError, ValueError) as exc:
        raise RelationError(_l("This link is not valid. Use the link in the e-mail.")) from exc
    if relation is None or relation.email != email:
        raise RelationError(_l("This link is not valid. Use the link in the e-mail."))
    return relation


def claim_units(
    relation: Relation, user: User | None, name: str = "", password: str = ""
) -> tuple[User, list[Unit]]:
    """The owner takes the held units: with their account (same address), or a new landlord
    account made now (the link proves the address)."""
    assert relation.email is not None  # a claim link is only made for a relation with one
    if user is None or not user.is_authenticated:
        if find_user_by_email(relation.email):
            raise RelationError(_l("Log in with %(email)s to claim.", email=relation.email))
        user = register_user(relation.email, password, name, role="landlord", verified=True)
    elif user.email != relation.email:
        raise RelationError(
            _l(
                "This invitation was sent to %(email)s; log in with that address.",
                email=relation.email,
            )
        )
    elif not user.is_landlord:
        user.is_landlord = True
    units = held_units(relation)
    if not units:
        raise RelationError(_l("These units have been claimed already."))
    for unit in units:
        unit.owner_id = user.id
    relation.user_id = user.id
    db.session.flush()
    record_event(
        user, "relation.claimed", relation, relation.organisation_id, units=[u.id for u in units]
    )
    return user, units


# Segments and messages -------------------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    """Which relations: owning a unit in a street, units vacant for months, of one kind."""

    street: str | None = None
    vacant_months: int | None = None
    kind: RelationKind | None = None

    def describe(self) -> str:
        parts = [
            f"street={self.street}" if self.street else "",
            f"vacant_months={self.vacant_months}" if self.vacant_months else "",
            f"kind={self.kind.value}" if self.kind else "",
        ]
        return ";".join(p for p in parts if p)


def segment_query(organisation_id: int, segment: Segment, today: date) -> sa.Select:
    """The organisation's relations in the segment, by name."""
    query = sa.select(Relation).where(Relation.organisation_id == organisation_id)
    if segment.kind is not None:
        query = query.where(Relation.kind == segment.kind)
    unit_rules = []
    if segment.street:
        unit_rules.append(sa.func.lower(Unit.street) == segment.street.strip().lower())
    if segment.vacant_months:
        since = clock.add_months(today, -segment.vacant_months)
        unit_rules += [Unit.status != UnitStatus.LET, Unit.vacant_since <= since]
    if unit_rules:
        owns = (
            sa.select(relation_units.c.unit_id)
            .join(Unit, Unit.id == relation_units.c.unit_id)
            .where(relation_units.c.relation_id == Relation.id, *unit_rules)
        )
        query = query.where(owns.exists())
    return query.order_by(Relation.name, Relation.id)


def segment_of(organisation_id: int, segment: Segment) -> list[Relation]:
    return list(db.session.scalars(segment_query(organisation_id, segment, clock.today())))


def send_message(
    actor: User, organisation: Organisation, segment: Segment, subject: str, body: str
) -> Message:
    """E-mail the segment (after the commit), recording the send to each relation."""
    if not can_manage(actor, organisation.id):
        raise RelationError(_l("You do not work for this organisation."))
    subject, body = (subject or "").strip(), (body or "").strip()
    if not subject:
        raise RelationError(_l("Write a subject."), "subject")
    if not body:
        raise RelationError(_l("Write the message."), "body")
    relations = segment_of(organisation.id, segment)
    if not relations:
        raise RelationError(_l("No relation is in this segment: widen the filter."))
    message = Message(
        organisation_id=organisation.id,
        subject=subject,
        body=body,
        segment=segment.describe(),
        sent_by_id=actor.id,
    )
    db.session.add(message)
    now = clock.now()
    for relation in relations:
        send = MessageSend(relation=relation, address=relation.email, sent_at=None)
        if relation.email:
            send.sent_at = now
            queue_mail(
                relation.email,
                subject,
                "relation_message",
                name=relation.name,
                organisation=organisation,
                body=body,
            )
        message.sends.append(send)
    db.session.flush()
    record_event(actor, "relation.message_sent", message, organisation.id, relations=len(relations))
    return message


# Privacy ---------------------------------------------------------------------------------------


def export_of(user: User) -> dict[str, list[dict[str, Any]]]:
    """The relations linked to a person's account, with their contacts and messages."""
    relations = db.session.scalars(
        sa.select(Relation).where(Relation.user_id == user.id).order_by(Relation.id)
    )
    return {
        "relations": [
            {
                "organisation_id": r.organisation_id,
                "kind": r.kind.value,
                "name": r.name,
                "company": r.company,
                "email": r.email,
                "phone": r.phone,
                "follow_up_on": r.follow_up_on.isoformat() if r.follow_up_on else None,
                "follow_up_what": r.follow_up_what,
                "units": [u.id for u in r.units],
                "contacts": [
                    {"kind": c.kind.value, "on": c.happened_on.isoformat(), "note": c.note}
                    for c in r.contacts
                ],
                "messages": [
                    {
                        "subject": s.message.subject,
                        "address": s.address,
                        "sent_at": s.sent_at.isoformat() if s.sent_at else None,
                    }
                    for s in db.session.scalars(
                        sa.select(MessageSend).where(MessageSend.relation_id == r.id)
                    )
                ],
            }
            for r in relations
        ]
    }


def _delete_relations(ids: sa.Select) -> None:
    """Delete the relations `ids` selects, with their timelines, messages and unit links (one
    statement per table, so SQLite without enforced foreign keys leaves nothing behind)."""
    db.session.execute(sa.delete(Contact).where(Contact.relation_id.in_(ids)))
    db.session.execute(sa.delete(MessageSend).where(MessageSend.relation_id.in_(ids)))
    db.session.execute(sa.delete(relation_units).where(relation_units.c.relation_id.in_(ids)))
    db.session.execute(sa.delete(Relation).where(Relation.id.in_(ids)))


def delete_relation(actor: User, relation: Relation) -> None:
    """Remove a relation from the organisation's log, with its timeline. Units held for it
    (an owner without an account) would be left without anyone: those must go to another
    relation first."""
    if not may_see(actor, relation):
        raise RelationError(_l("You do not work for this organisation."))
    held = held_units(relation)
    if held:
        raise RelationError(
            _l(
                "Units without an owner account are still held for %(name)s (%(count)s): link "
                "them to another relation first, or let the owner claim them."
            ),
            name=relation.name,
            count=len(held),
        )
    # The audit keeps that a relation was removed, not who it was (their details are gone).
    record_event(actor, "relation.deleted", relation, relation.organisation_id)
    _delete_relations(sa.select(Relation.id).where(Relation.id == relation.id))


def forget(user: User) -> None:
    """Delete the relations linked to the account, with their timelines."""
    _delete_relations(sa.select(Relation.id).where(Relation.user_id == user.id))
