"""Privacy (AVG/GDPR): a person's data as JSON, and deleting an account.

Deleting removes or anonymises personal data. Records the organisation must keep (placements,
invoices, subsidy dossiers) stay, linked to the anonymised account; they carry the business's
trade name and KvK number, never the person's own name.

- Lettings applications and contest entries: open ones are withdrawn; their free texts (the
  motivation, the plan) are removed, the plan file deleted; the rows stay, so a placement or
  a prize keeps its history and the jury's scores their entry.
- Subsidy applications are administrative records with legal retention (the grant, the
  payments in the ledger, de-minimis against the KvK number). One not yet decided is
  withdrawn, which releases its reservation of the budget; one never submitted also loses its
  texts and documents (it has no dossier number). A submitted dossier is kept whole, with the
  applicant's name removed when it is the person's own; for a grant still running the staff
  are told, since they now finish the dossier without the applicant's account.
- Invitations to apply that the person received are deleted; those they sent stay.
- Saved searches (with what their e-mails sent) and favourites are deleted.
- Relations an organisation keeps of the person (linked to the account) are deleted, with
  their contacts and the record of messages sent to them.
"""

import secrets
from datetime import date, datetime

import sqlalchemy as sa
from werkzeug.security import check_password_hash

from vrijstad import clock
from vrijstad.applications.models import (
    APPLICATION_FLOW,
    OFFER_FLOW,
    OPEN_STATUSES,
    Application,
    ApplicationMessage,
    ApplicationStatus,
    OfferStatus,
)
from vrijstad.audit.services import record_event
from vrijstad.auth.models import RecoveryCode, User
from vrijstad.auth.services import hash_password
from vrijstad.contests.models import (
    ACTIVE_STATUSES,
    ENTRY_TRANSITIONS,
    Conflict,
    Contest,
    ContestEntry,
    EntryStatus,
    Juror,
    JuryScore,
)
from vrijstad.core import DomainError
from vrijstad.extensions import db
from vrijstad.i18n import gettext as _
from vrijstad.legal.services import consents_of
from vrijstad.letting.models import Placement
from vrijstad.matching.models import MatchInvitation
from vrijstad.notifications.models import Notification
from vrijstad.notifications.services import notify
from vrijstad.organisations.models import Invitation, Membership
from vrijstad.organisations.services import staff_of
from vrijstad.popups.models import BOOKING_FLOW, Booking, BookingStatus
from vrijstad.relations import services as relations
from vrijstad.saved import services as saved
from vrijstad.starters.models import StarterProfile
from vrijstad.storage import delete_after_commit, get_storage
from vrijstad.subsidies import services as subsidies
from vrijstad.subsidies.models import (
    AWAITING_DECISION,
    GRANTED_OPEN,
    SubsidyApplication,
    SubsidyStatus,
)
from vrijstad.units.models import PUBLIC_STATUSES, Unit, UnitStatus
from vrijstad.units.status import move_unit
from vrijstad.workflow import Workflow

#: The contest entry workflow (the contests feature declares ENTRY_FLOW beside the table on
#: its own branch; use that one once both are in).
ENTRY_FLOW: Workflow[EntryStatus] = Workflow("contest entry", ENTRY_TRANSITIONS)

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


def _own_columns(model: type, *internal: str) -> list[str]:
    """Every column of the model but the internal ones: a field added later is exported too."""
    mapper: sa.orm.Mapper = sa.inspect(model)
    keys = [column.key for column in mapper.column_attrs]
    return [key for key in keys if key not in internal]


ENTRY_TEXTS = ("idea", "uniqueness", "target_group", "revenue_model", "success", "help_needed")


def _contest_entries(user: User) -> list[dict]:
    entries = db.session.scalars(
        sa.select(ContestEntry).where(ContestEntry.starter_id == user.id).order_by(ContestEntry.id)
    )
    return [
        {
            **_row(
                e,
                "id",
                "contest_id",
                "status",
                "trade_name",
                "branch_group",
                "preferred_unit_id",
                *ENTRY_TEXTS,
                "plan_filename",
                "plan_pages",
                "created_at",
                "updated_at",
            ),
            "contest": e.contest.title,
        }
        for e in entries
    ]


def _jury_memberships(user: User) -> list[dict]:
    jurors = db.session.scalars(
        sa.select(Juror).where(Juror.user_id == user.id).order_by(Juror.id)
    ).all()
    return [
        {
            **_row(j, "contest_id", "name", "email", "invited_at", "accepted_at"),
            "contest": j.contest.title,
            "scores": [
                _row(s, "entry_id", "criterion_id", "score", "created_at")
                for s in db.session.scalars(
                    sa.select(JuryScore).where(JuryScore.juror_id == j.id).order_by(JuryScore.id)
                )
            ],
            "conflicts": [
                _row(c, "entry_id", "note", "declared_at")
                for c in db.session.scalars(
                    sa.select(Conflict).where(Conflict.juror_id == j.id).order_by(Conflict.id)
                )
            ],
        }
        for j in jurors
    ]


def _subsidy_applications(user: User) -> list[dict]:
    applications = db.session.scalars(
        sa.select(SubsidyApplication)
        .where(SubsidyApplication.applicant_id == user.id)
        .order_by(SubsidyApplication.id)
    )
    return [
        {
            **_row(
                a,
                "id",
                "scheme_id",
                "dossier_number",
                "status",
                "applicant_kind",
                "applicant_name",
                "applicant_kvk",
                "title",
                "description",
                "address",
                "work_starts_on",
                "intake_note",
                "submitted_at",
                "requested_cents",
                "question",
                "answer",
                "extended_on",
                "extension_reason",
                "decided_on",
                "granted_cents",
                "conditions",
                "rejection_reason",
                "advance_cents",
                "accountability_note",
                "accounted_on",
                "final_cents",
                "settled_on",
                "paid_cents",
                "closed_on",
                "created_at",
                "updated_at",
            ),
            "scheme": a.scheme.name,
            "street": a.street.name if a.street else None,
            "cost_lines": [
                _row(
                    c,
                    "description",
                    "supplier",
                    "category",
                    "amount_cents",
                    "actual_cents",
                    "created_at",
                )
                for c in a.cost_lines
            ],
            "documents": [
                _row(d, "kind", "filename", "pages", "size", "created_at") for d in a.documents
            ],
        }
        for a in applications
    ]


def _match_invitations(user: User) -> dict:
    """Invitations to apply: those received, and those sent (without the invited starter)."""

    def rows(condition) -> list[dict]:
        invitations = db.session.scalars(
            sa.select(MatchInvitation).where(condition).order_by(MatchInvitation.id)
        )
        return [
            {**_row(i, "unit_id", "score", "created_at"), "unit": _unit_name(i.unit_id)}
            for i in invitations
        ]

    return {
        "received": rows(MatchInvitation.starter_id == user.id),
        "sent": rows(MatchInvitation.invited_by_id == user.id),
    }


def _unit_name(unit_id: int) -> str | None:
    unit = db.session.get(Unit, unit_id)
    return f"{unit.address}, {unit.city}" if unit else None


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
        "exported_at": clock.now().isoformat(),
        "account": _row(
            user,
            "id",
            "email",
            "name",
            "phone",
            "locale",
            "is_landlord",
            "is_starter",
            "created_at",
            "email_verified_at",
        ),
        "consents": [_row(c, "kind", "version", "accepted_at") for c in consents_of(user)],
        "starter_profile": None
        if profile is None
        else {
            **_row(profile, *_own_columns(StarterProfile, "id", "user_id", "plan_key")),
            "preferred_areas": [a.name for a in profile.areas],
            "preferred_streets": [s.name for s in profile.streets],
        },
        "applications": [
            {
                **_row(a, "id", "unit_id", "status", "motivation", "created_at", "updated_at"),
                "unit": f"{a.unit.address}, {a.unit.city}",
                "offers": [
                    _row(
                        o,
                        "id",
                        "status",
                        "kind",
                        "start_date",
                        "end_date",
                        "base_fee_cents_per_month",
                        "turnover_basis_points",
                        "deposit_cents",
                    )
                    for o in a.offers
                ],
                "viewings": [_row(v, "starts_at", "duration_minutes", "note") for v in a.viewings],
            }
            for a in applications
        ],
        "messages_written": [_row(m, "application_id", "body", "created_at") for m in messages],
        "units_owned": [
            _row(u, "id", "street", "house_number", "postcode", "city", "status") for u in units
        ],
        "placements": [
            _row(
                p,
                "id",
                "unit_id",
                "status",
                "start_date",
                "end_date",
                "base_fee_cents_per_month",
                "turnover_basis_points",
                "deposit_cents",
                "starter_trade_name",
                "starter_kvk",
            )
            for p in placements
        ],
        "notifications": [_row(n, "kind", "data", "created_at", "read_at") for n in notifications],
        "bookings": [
            _row(
                b,
                "id",
                "unit_id",
                "status",
                "start_date",
                "end_date",
                "price_cents",
                "note",
                "created_at",
            )
            for b in db.session.scalars(
                sa.select(Booking).where(Booking.starter_id == user.id).order_by(Booking.id)
            )
        ],
        "contest_entries": _contest_entries(user),
        "jury_memberships": _jury_memberships(user),
        "subsidy_applications": _subsidy_applications(user),
        "match_invitations": _match_invitations(user),
        **saved.export_of(user),  # saved_searches, favourites
        **relations.export_of(user),  # relations (an organisation's contacts with the person)
    }


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
            APPLICATION_FLOW.move(application, ApplicationStatus.WITHDRAWN)
            application.closed_reason = "account_deleted"
            for offer in application.offers:
                if offer.status == OfferStatus.OPEN:
                    OFFER_FLOW.move(offer, OfferStatus.WITHDRAWN)
        application.motivation = REMOVED
    for booking in db.session.scalars(
        sa.select(Booking).where(
            Booking.starter_id == user.id, Booking.status == BookingStatus.REQUESTED
        )
    ):
        BOOKING_FLOW.move(booking, BookingStatus.CANCELLED)
    db.session.execute(sa.update(Booking).where(Booking.starter_id == user.id).values(note=None))
    db.session.execute(
        sa.update(ApplicationMessage)
        .where(ApplicationMessage.author_id == user.id)
        .values(body=REMOVED)
    )
    for unit in db.session.scalars(sa.select(Unit).where(Unit.owner_id == user.id)):
        if unit.status in PUBLIC_STATUSES or unit.status == UnitStatus.DRAFT:
            unit.withdrawn_reason = "account deleted"
            move_unit(user, unit, UnitStatus.WITHDRAWN, reason="account deleted")
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
    _forget_contest_entries(user)
    _forget_jury_memberships(user)
    _forget_subsidy_applications(user)
    db.session.execute(sa.delete(MatchInvitation).where(MatchInvitation.starter_id == user.id))
    saved.forget(user)
    relations.forget(user)
    db.session.execute(sa.delete(Notification).where(Notification.user_id == user.id))
    db.session.execute(sa.delete(Membership).where(Membership.user_id == user.id))
    db.session.execute(sa.delete(Invitation).where(Invitation.email == user.email))
    record_event(user, "account.deleted", user)
    user.email = f"deleted-{user.id}-{secrets.token_hex(4)}@deleted.invalid"
    user.name = REMOVED
    user.phone = None
    user.password_hash = hash_password(secrets.token_urlsafe(32))
    user.totp_secret = user.totp_enabled_at = user.totp_last_step = None
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    user.active = False
    db.session.flush()


def _forget_contest_entries(user: User) -> None:
    """Open entries are withdrawn; every entry loses its plan; the rows stay for the ranking."""
    entries = db.session.scalars(
        sa.select(ContestEntry).join(Contest).where(ContestEntry.starter_id == user.id)
    )
    for entry in entries:
        open_entry = entry.status in (EntryStatus.SUBMITTED, EntryStatus.FINALIST)
        if open_entry and entry.contest.status in ACTIVE_STATUSES:
            ENTRY_FLOW.move(entry, EntryStatus.WITHDRAWN)
        for name in ENTRY_TEXTS:
            if getattr(entry, name):
                setattr(entry, name, REMOVED)
        if entry.plan_key:
            delete_after_commit(entry.plan_key)
        entry.plan_key = entry.plan_filename = entry.plan_pages = None
        if entry.trade_name == user.name:
            entry.trade_name = REMOVED


def _forget_jury_memberships(user: User) -> None:
    """A juror's scores stay (the ranking rests on them); name, address and notes go."""
    jurors = db.session.scalars(
        sa.select(Juror).where(sa.or_(Juror.user_id == user.id, Juror.email == user.email))
    ).all()
    for juror in jurors:
        juror.name = REMOVED
        juror.email = f"deleted-juror-{juror.id}@deleted.invalid"
        db.session.execute(
            sa.update(Conflict).where(Conflict.juror_id == juror.id).values(note=REMOVED)
        )


def _forget_subsidy_applications(user: User) -> None:
    """Dossiers are kept (legal retention) without the person's name; undecided ones are
    withdrawn; one never submitted loses its texts and documents too."""
    applications = db.session.scalars(
        sa.select(SubsidyApplication)
        .where(SubsidyApplication.applicant_id == user.id)
        .order_by(SubsidyApplication.id)
    ).all()
    for application in applications:
        if application.applicant_name == user.name:
            application.applicant_name = REMOVED
        db.session.flush()
        never_submitted = application.status in (SubsidyStatus.INTAKE, SubsidyStatus.DRAFT)
        if never_submitted or application.status in AWAITING_DECISION:
            subsidies.withdraw(user, application)
        if never_submitted:
            application.description = REMOVED
            application.intake_note = REMOVED if application.intake_note else None
            for document in list(application.documents):
                application.documents.remove(document)
                db.session.delete(document)
                delete_after_commit(document.storage_key)
        elif application.status in (*GRANTED_OPEN, SubsidyStatus.SETTLED):
            notify(
                staff_of(application.scheme.organisation_id),
                "subsidy.applicant_deleted",
                "subsidies.detail",
                {"application_id": application.id},
                {"dossier": application.dossier_number, "applicant": application.applicant_name},
            )
    db.session.flush()
