"""API tokens (created and revoked by organisation admins, stored hashed) and the API's
answers: what anyone may see, and the private fields a token of the right organisation adds."""

import hashlib
import secrets
from datetime import date

import sqlalchemy as sa
from flask import url_for

from vrijstad import clock
from vrijstad.api import queries
from vrijstad.api.models import ApiToken
from vrijstad.areas.models import Area
from vrijstad.audit.services import record_event
from vrijstad.auth.models import User
from vrijstad.core import DomainError
from vrijstad.dashboard.models import WHOLE_AREA, VacancySnapshot
from vrijstad.dashboard.services import percent
from vrijstad.extensions import db
from vrijstad.i18n import gettext as _
from vrijstad.organisations.models import MemberRole, Organisation
from vrijstad.organisations.services import can_manage
from vrijstad.units.models import Unit

TOKEN_PREFIX = "vsd_"
MAX_ACTIVE_TOKENS = 20


class TokenError(DomainError):
    """A token action was refused, or a presented token is not valid."""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(actor: User, organisation: Organisation, name: str) -> tuple[ApiToken, str]:
    """A new token for the organisation; the plain token is returned once and never stored."""
    if not can_manage(actor, organisation.id, MemberRole.ADMIN):
        raise TokenError(_("Only an administrator of this organisation can manage API tokens."))
    name = name.strip()
    if not name:
        raise TokenError(_("Give the token a name, e.g. what it is for."))
    active = (
        db.session.scalar(
            sa.select(sa.func.count()).where(
                ApiToken.organisation_id == organisation.id, ApiToken.revoked_at.is_(None)
            )
        )
        or 0
    )
    if active >= MAX_ACTIVE_TOKENS:
        raise TokenError(
            _("At most %(n)d tokens can be active; revoke one first.", n=MAX_ACTIVE_TOKENS)
        )
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        organisation_id=organisation.id,
        name=name[:80],
        token_hash=hash_token(plain),
        prefix=plain[:10],
        created_by_id=actor.id,
    )
    db.session.add(token)
    db.session.flush()
    record_event(actor, "api_token.created", token, organisation.id, name=token.name)
    return token, plain


def revoke_token(actor: User, token: ApiToken) -> ApiToken:
    """Revoke a token at once; requests with it are refused from now on."""
    if not can_manage(actor, token.organisation_id, MemberRole.ADMIN):
        raise TokenError(_("Only an administrator of this organisation can manage API tokens."))
    if token.revoked_at is None:
        token.revoked_at = clock.now()
        db.session.flush()
        record_event(actor, "api_token.revoked", token, token.organisation_id)
    return token


def bearer_token(header: str | None) -> str | None:
    """The token of an 'Authorization: Bearer …' header; None when there is no header."""
    if not header:
        return None
    scheme, _sep, value = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise TokenError(_("Send the token as 'Authorization: Bearer <token>'."))
    return value.strip()


def authenticate(header: str | None) -> ApiToken | None:
    """The active token the header presents; None without one; TokenError for a bad one."""
    plain = bearer_token(header)
    if plain is None:
        return None
    token = db.session.scalar(queries.token_by_hash(hash_token(plain)))
    if token is None or token.revoked_at is not None:
        raise TokenError(_("This API token is not valid: it was revoked or mistyped."))
    return token


# Answers ------------------------------------------------------------------------------------


def area_data(area: Area) -> dict:
    return {
        "id": area.id,
        "name": area.name,
        "city": area.city,
        "kind": area.kind.value,
        "organisation": {"id": area.organisation.id, "name": area.organisation.name},
        "streets": [
            {
                "id": s.id,
                "name": s.name,
                "grade": s.grade.value,
                "page": url_for("streets.page", street_id=s.id, _external=True),
            }
            for s in area.streets
        ],
        "units": url_for("api.units", area_id=area.id, _external=True),
        "vacancy": url_for("api.area_vacancy", area_id=area.id, _external=True),
    }


def unit_data(unit: Unit, private: bool, today: date) -> dict:
    """A unit's public fields, and with private the organisation's own (vacancy, owner)."""
    data = {
        "id": unit.id,
        "url": url_for("units.detail", unit_id=unit.id, _external=True),
        "area_id": unit.area_id,
        "status": unit.status.value,
        "street": unit.street,
        "house_number": unit.house_number,
        "house_letter": unit.house_letter,
        "house_number_addition": unit.house_number_addition,
        "postcode": unit.postcode,
        "city": unit.city,
        "latitude": unit.latitude,
        "longitude": unit.longitude,
        "floor_area_vvo": unit.floor_area_vvo,
        "floor_area_wvo": unit.floor_area_wvo,
        "floor_area_bvo": unit.floor_area_bvo,
        "permitted_uses": [use.value for use in unit.permitted_uses],
        "energy_label": unit.energy_label.value if unit.energy_label else None,
        "rent_cents_per_year": unit.rent_cents_per_year,
        "service_charges_cents_per_year": unit.service_charges_cents_per_year,
        "vat_opted": unit.vat_opted,
        "available_from": unit.available_from,
        "listed_at": clock.as_utc(unit.listed_at) if unit.listed_at else None,
    }
    if private:
        vacancy = unit.vacancy_class(today)
        data |= {
            "vacant_since": unit.vacant_since,
            "days_vacant": unit.days_vacant(today),
            "vacancy_class": vacancy.value if vacancy else None,
            "bag_id": unit.bag_id,
            "owner_name": unit.owner.name if unit.owner else None,
        }
    return data


def vacancy_data(row: VacancySnapshot) -> dict:
    rate_count = percent(row.units_vacant, row.units_total)
    rate_area = percent(row.floor_area_vacant_m2, row.floor_area_total_m2)
    return {
        "period": row.period.strftime("%Y-%m"),
        "street": None if row.street == WHOLE_AREA else row.street,
        "reference_date": row.reference_date,
        "units_total": row.units_total,
        "units_vacant": row.units_vacant,
        "vacancy_rate_count": float(rate_count) if rate_count is not None else None,
        "floor_area_total_m2": row.floor_area_total_m2,
        "floor_area_vacant_m2": row.floor_area_vacant_m2,
        "vacancy_rate_area": float(rate_area) if rate_area is not None else None,
        "frictional_units": row.frictional_units,
        "long_term_units": row.long_term_units,
        "structural_units": row.structural_units,
        "frictional_m2": row.frictional_m2,
        "long_term_m2": row.long_term_m2,
        "structural_m2": row.structural_m2,
        "source": row.source.value,
    }


def own_area_ids(token: ApiToken | None) -> set[int]:
    """The areas whose private fields the token may read (its organisation's)."""
    if token is None:
        return set()
    return set(db.session.scalars(queries.organisation_area_ids(token.organisation_id)))
