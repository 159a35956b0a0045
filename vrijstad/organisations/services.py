"""Organisations: creation, staff invitations and membership checks."""

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, url_for

from vrijstad import clock
from vrijstad.audit.services import record_event
from vrijstad.auth.models import User
from vrijstad.auth.services import find_user_by_email, normalise_email, register_user
from vrijstad.core import DomainError
from vrijstad.extensions import db
from vrijstad.forms import normalise_kvk, valid_kvk
from vrijstad.i18n import gettext as _
from vrijstad.notifications.mail import queue_mail
from vrijstad.organisations.models import (
    Invitation,
    MemberRole,
    Membership,
    Organisation,
    OrganisationKind,
)


class OrganisationError(DomainError):
    """An organisation action was refused."""


def create_organisation(
    actor: User, name: str, kind: OrganisationKind, kvk_number: str, city: str, **extra
) -> Organisation:
    """A platform admin registers a city-centre organisation."""
    if not actor.is_admin:
        raise OrganisationError(_("Only a platform administrator can add organisations."))
    kvk = normalise_kvk(kvk_number)
    if not valid_kvk(kvk):
        raise OrganisationError(_("A KvK number has exactly 8 digits."))
    name = name.strip()
    if db.session.scalar(sa.select(Organisation.id).where(Organisation.name == name)):
        raise OrganisationError(_("An organisation with this name already exists."))
    organisation = Organisation(name=name, kind=kind, kvk_number=kvk, city=city.strip(), **extra)
    db.session.add(organisation)
    db.session.flush()
    record_event(actor, "organisation.created", organisation, organisation.id)
    return organisation


def membership_of(user: User, organisation_id: int) -> Membership | None:
    if not user.is_authenticated:
        return None
    return db.session.scalar(
        sa.select(Membership).where(
            Membership.user_id == user.id, Membership.organisation_id == organisation_id
        )
    )


def can_manage(user: User, organisation_id: int, role: MemberRole = MemberRole.STAFF) -> bool:
    """Platform admins, and members with at least the given role, may manage the organisation."""
    if not user.is_authenticated:
        return False
    if user.is_admin:
        return True
    membership = membership_of(user, organisation_id)
    if membership is None:
        return False
    return role == MemberRole.STAFF or membership.role == MemberRole.ADMIN


def staff_of(organisation_id: int) -> list[User]:
    """Everyone who works for the organisation (staff and admins), in a stable order."""
    return list(
        db.session.scalars(
            sa.select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.organisation_id == organisation_id)
            .order_by(User.id)
        )
    )


def organisations_of(user: User) -> list[Organisation]:
    """The organisations a user works for."""
    if not user.is_authenticated:
        return []
    return list(
        db.session.scalars(
            sa.select(Organisation)
            .join(Membership)
            .where(Membership.user_id == user.id)
            .order_by(Organisation.name)
        )
    )


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite_staff(
    actor: User, organisation: Organisation, email: str, role: MemberRole
) -> Invitation:
    """Invite someone by e-mail to join the organisation's staff."""
    if not can_manage(actor, organisation.id, MemberRole.ADMIN):
        raise OrganisationError(_("Only an administrator of this organisation can invite staff."))
    email = normalise_email(email)
    existing = find_user_by_email(email)
    if existing and membership_of(existing, organisation.id):
        raise OrganisationError(_("This person is already a member of the organisation."))
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        organisation_id=organisation.id,
        email=email,
        role=role,
        token_hash=_hash_token(token),
        invited_by_id=actor.id,
        expires_at=clock.now() + timedelta(days=current_app.config["INVITATION_MAX_AGE_DAYS"]),
    )
    db.session.add(invitation)
    db.session.flush()
    record_event(actor, "invitation.sent", invitation, organisation.id, email=email, role=role)
    queue_mail(
        email,
        _("Invitation to join %(org)s on Vrijstad", org=organisation.name),
        "invitation",
        organisation=organisation,
        inviter=actor,
        link=url_for("organisations.accept_invitation", token=token, _external=True),
        expires_at=invitation.expires_at,
    )
    return invitation


def invitation_for_token(token: str) -> Invitation:
    """The open invitation behind a link; OrganisationError when unknown, used or expired."""
    invitation = db.session.scalar(
        sa.select(Invitation).where(Invitation.token_hash == _hash_token(token))
    )
    if invitation is None or invitation.revoked_at is not None:
        raise OrganisationError(_("This invitation is not valid."))
    if invitation.accepted_at is not None:
        raise OrganisationError(_("This invitation has already been accepted."))
    if clock.as_utc(invitation.expires_at) < clock.now():
        raise OrganisationError(_("This invitation has expired. Ask for a new one."))
    return invitation


def accept_invitation(
    invitation: Invitation, user: User | None, name: str = "", password: str = ""
) -> Membership:
    """Turn an invitation into a membership, creating the account when there is none."""
    if user is None or not user.is_authenticated:
        if find_user_by_email(invitation.email):
            raise OrganisationError(_("Log in with %(email)s to accept.", email=invitation.email))
        user = register_user(invitation.email, password, name, role="staff", verified=True)
    elif user.email != invitation.email:
        raise OrganisationError(
            _(
                "This invitation was sent to %(email)s; log in with that address.",
                email=invitation.email,
            )
        )
    membership = Membership(
        user_id=user.id, organisation_id=invitation.organisation_id, role=invitation.role
    )
    db.session.add(membership)
    invitation.accepted_at = clock.now()
    db.session.flush()
    record_event(user, "invitation.accepted", invitation, invitation.organisation_id)
    return membership


def pending_invitations(organisation: Organisation) -> list[Invitation]:
    return list(
        db.session.scalars(
            sa.select(Invitation)
            .where(
                Invitation.organisation_id == organisation.id,
                Invitation.accepted_at.is_(None),
                Invitation.revoked_at.is_(None),
            )
            .order_by(Invitation.created_at.desc())
        )
    )
