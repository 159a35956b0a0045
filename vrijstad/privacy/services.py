"""Privacy (AVG/GDPR): a person's data as JSON, and deleting an account.

Deleting removes or anonymises personal data. Records the organisation must keep (placements
and, later, invoices) stay, linked to the anonymised account; they carry the business's trade
name and KvK number, never the person's own name.
"""

import secrets
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from werkzeug.security import check_password_hash

from vrijstad.applications.models import (
    OPEN_STATUSES,
    Application,
    ApplicationMessage,
    ApplicationStatus,
    OfferStatus,
)
from vrijstad.audit.services import record_event
from vrijstad.auth.models import User
from vrijstad.auth.services import hash_password
from vrijstad.core import DomainError, utcnow
from vrijstad.extensions import db
from vrijstad.letting.models import Placement
from vrijstad.notifications.models import Notification
from vrijstad.organisations.models import Invitation, Membership
from vrijstad.popups.models import Booking, BookingStatus
from vrijstad.starters.models import StarterProfile
from vrijstad.storage import get_storage
from vrijstad.units.models import PUBLIC_STATUSES, Unit, UnitStatus

REMOVED = "[verwijderd]"


class PrivacyError(DomainError):
    """A privacy request was refused."""


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if hasattr(value, "value"):
        return value.value
    return value


def _row(obj, *fields) -> dict:
    return {f: _plain(getattr(obj, f)) for f in fields}


def export_data(user: User) -> dict:
    """Everything Vrijstad keeps about a person, in a machine-readable form."""
    profile = db.session.scalar(sa.select(StarterProfile).where(StarterProfile.user_id == user.id))
    applications = db.session.scalars(
        sa.select(Application).where(Application.starter_id == user.id).order_by(Application.id)
    ).all()
    messages = db.session.scalars(
        sa.select(ApplicationMessage)
        .where(ApplicationMessage.author_id == user.id)
        .order_by(ApplicationMessage.id)
    ).all()
    units = db.session.scalars(sa.select(Unit).where(Unit.owner_id == user.id).order_by(Unit.id))
    placements = db.session.scalars(
        sa.select(Placement).where(Placement.starter_id == user.id).order_by(Placement.id)
    ).all()
    notifications = db.session.scalars(
        sa.select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
    ).all()
    return {
        "exported_at": utcnow().isoformat(),
        "account": _row(user, "id", "email", "name", "phone", "locale", "is_landlord",
                        "is_starter", "created_at"),
        "starter_profile": None if profile is None else {
            **_row(profile, "trade_name", "concept", "branch_group", "required_use", "city",
                   "kvk_number", "btw_id", "iban", "min_area_m2", "max_area_m2",
                   "budget_cents_per_month", "earliest_start", "space_kind", "plan_filename",
                   "plan_uploaded_at"),
            "preferred_areas": [a.name for a in profile.areas],
            "preferred_streets": [s.name for s in profile.streets],
        },
        "applications": [
            {**_row(a, "id", "unit_id", "status", "motivation", "created_at", "updated_at"),
             "unit": f"{a.unit.address}, {a.unit.city}",
             "offers": [_row(o, "id", "status", "kind", "start_date", "end_date",
                             "base_fee_cents_per_month", "turnover_basis_points",
                             "deposit_cents") for o in a.offers],
             "viewings": [_row(v, "starts_at", "duration_minutes", "note") for v in a.viewings]}
            for a in applications
        ],
        "messages_written": [_row(m, "application_id", "body", "created_at") for m in messages],
        "units_owned": [_row(u, "id", "street", "house_number", "postcode", "city", "status")
                        for u in units],
        "placements": [_row(p, "id", "unit_id", "status", "start_date", "end_date",
                            "base_fee_cents_per_month", "turnover_basis_points",
                            "deposit_cents", "starter_trade_name", "starter_kvk")
                       for p in placements],
        "notifications": [_row(n, "kind", "data", "created_at", "read_at")
                          for n in notifications],
        "bookings": [_row(b, "id", "unit_id", "status", "start_date", "end_date", "price_cents",
                          "note", "created_at") for b in db.session.scalars(
                              sa.select(Booking).where(Booking.starter_id == user.id)
                              .order_by(Booking.id))],
    }  # fmt: skip


def delete_account(user: User, password: str) -> None:
    """Delete a person's account: personal data removed, kept records anonymised."""
    if not check_password_hash(user.password_hash, password or ""):
        raise PrivacyError(_("The password is not correct."))
    if user.is_admin:
        raise PrivacyError(_("A platform administrator cannot delete their own account here."))
    for application in db.session.scalars(
        sa.select(Application).where(Application.starter_id == user.id)
    ):
        if application.status in OPEN_STATUSES:
            application.status = ApplicationStatus.WITHDRAWN
            application.closed_reason = "account_deleted"
            for offer in application.offers:
                if offer.status == OfferStatus.OPEN:
                    offer.status = OfferStatus.WITHDRAWN
        application.motivation = REMOVED
    db.session.execute(
        sa.update(Booking)
        .where(Booking.starter_id == user.id, Booking.status == BookingStatus.REQUESTED)
        .values(status=BookingStatus.CANCELLED)
    )
    db.session.execute(sa.update(Booking).where(Booking.starter_id == user.id).values(note=None))
    db.session.execute(
        sa.update(ApplicationMessage)
        .where(ApplicationMessage.author_id == user.id)
        .values(body=REMOVED)
    )
    for unit in db.session.scalars(sa.select(Unit).where(Unit.owner_id == user.id)):
        if unit.status in PUBLIC_STATUSES or unit.status == UnitStatus.DRAFT:
            unit.status = UnitStatus.WITHDRAWN
            unit.withdrawn_reason = "account deleted"
    profile = db.session.scalar(sa.select(StarterProfile).where(StarterProfile.user_id == user.id))
    if profile is not None:
        if profile.plan_key:
            get_storage().delete(profile.plan_key)
        db.session.delete(profile)
    for placement in db.session.scalars(
        sa.select(Placement).where(Placement.starter_id == user.id)
    ):
        if placement.starter_trade_name == user.name:
            placement.starter_trade_name = REMOVED
    db.session.execute(sa.delete(Notification).where(Notification.user_id == user.id))
    db.session.execute(sa.delete(Membership).where(Membership.user_id == user.id))
    db.session.execute(sa.delete(Invitation).where(Invitation.email == user.email))
    record_event(user, "account.deleted", user)
    user.email = f"deleted-{user.id}-{secrets.token_hex(4)}@deleted.invalid"
    user.name = REMOVED
    user.phone = None
    user.password_hash = hash_password(secrets.token_urlsafe(32))
    user.active = False
    db.session.flush()
