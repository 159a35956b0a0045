"""What an organisation tunes: how much each score component counts, and street profiles."""

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

import sqlalchemy as sa

from vrijstad import clock
from vrijstad.areas.models import Street
from vrijstad.audit.services import record_event
from vrijstad.auth.models import User
from vrijstad.extensions import db
from vrijstad.i18n import gettext as _
from vrijstad.matching import queries
from vrijstad.matching.errors import MatchingError
from vrijstad.matching.features import occupants_of, street_key
from vrijstad.matching.models import (
    COMPONENTS,
    DEFAULT_WEIGHTS,
    MAX_WEIGHT,
    BranchLimit,
    MatchWeights,
    StreetProfile,
    mask_of,
)
from vrijstad.organisations.models import Organisation
from vrijstad.organisations.services import can_manage
from vrijstad.starters.models import BranchGroup


def weights_of(organisation_id: int | None) -> dict[str, int]:
    """The organisation's weights, or the defaults when it has not tuned them."""
    if organisation_id is None:
        return dict(DEFAULT_WEIGHTS)
    row = db.session.scalar(queries.weights_of_organisations([organisation_id]))
    return row.as_dict() if row else dict(DEFAULT_WEIGHTS)


def save_weights(
    actor: User, organisation: Organisation, values: Mapping[str, object]
) -> MatchWeights:
    """Staff tune how much each component counts: whole numbers 0–10, not all zero."""
    if not can_manage(actor, organisation.id):
        raise MatchingError(_("You do not work for this organisation."))
    cleaned: dict[str, int] = {}
    for name in COMPONENTS:
        value = values.get(name)
        if not isinstance(value, int) or isinstance(value, bool):
            raise MatchingError(_("Give every weight as a whole number."))
        if value < 0:
            raise MatchingError(_("A weight cannot be negative."))
        if value > MAX_WEIGHT:
            raise MatchingError(_("A weight is at most %(max)d.", max=MAX_WEIGHT))
        cleaned[name] = value
    if sum(cleaned.values()) == 0:
        raise MatchingError(_("At least one weight must be more than zero."))
    weights = db.session.scalar(queries.weights_of_organisations([organisation.id]))
    if weights is None:
        weights = MatchWeights(organisation_id=organisation.id)
        db.session.add(weights)
    for name, value in cleaned.items():
        setattr(weights, name, value)
    db.session.flush()
    record_event(actor, "matching.weights_saved", weights, organisation.id, **cleaned)
    return weights


def street_profile_of(street: Street) -> StreetProfile | None:
    return db.session.scalar(sa.select(StreetProfile).where(StreetProfile.street_id == street.id))


def save_street_profile(
    actor: User,
    street: Street,
    wanted: Iterable[str],
    excluded: Iterable[str],
    note: str | None = None,
) -> StreetProfile:
    """Give a street its profile: branch groups it asks for, and those it wants no more of."""
    if not can_manage(actor, street.area.organisation_id):
        raise MatchingError(_("You do not work for this organisation."))
    try:
        wanted_mask, excluded_mask = mask_of(wanted), mask_of(excluded)
    except ValueError as exc:
        raise MatchingError(_("Choose branch groups from the list.")) from exc
    if wanted_mask & excluded_mask:
        raise MatchingError(_("A branch group cannot be both wanted and excluded."))
    profile = street_profile_of(street)
    if profile is None:
        profile = StreetProfile(street_id=street.id)
        db.session.add(profile)
    profile.wanted_mask, profile.excluded_mask = wanted_mask, excluded_mask
    profile.note = (note or "").strip()[:500] or None
    db.session.flush()
    record_event(
        actor,
        "matching.street_profile_saved",
        profile,
        street.area.organisation_id,
        street=street.name,
        wanted=wanted_mask,
        excluded=excluded_mask,
    )
    return profile


def branch_limits_of(street: Street) -> dict[BranchGroup, int]:
    """A street's branch limits: group → at most how many businesses of it (present ones too)."""
    rows = db.session.scalars(queries.branch_limits_of_streets([street.id]))
    return {limit.branch_group: limit.max_count for limit in rows}


def save_branch_limits(
    actor: User, street: Street, limits: Mapping[BranchGroup, int | None]
) -> dict[BranchGroup, int]:
    """Set a street's branch limits ("at most 1 of daily goods"); None removes a limit."""
    if not can_manage(actor, street.area.organisation_id):
        raise MatchingError(_("You do not work for this organisation."))
    if any(n is not None and not 0 <= n <= 99 for n in limits.values()):
        raise MatchingError(_("A branch limit is a whole number from 0 to 99."))
    current = {
        limit.branch_group: limit
        for limit in db.session.scalars(queries.branch_limits_of_streets([street.id]))
    }
    for group, count in limits.items():
        group = BranchGroup(group)
        limit = current.get(group)
        if count is None:
            if limit is not None:
                db.session.delete(limit)
        elif limit is None:
            db.session.add(BranchLimit(street_id=street.id, branch_group=group, max_count=count))
        else:
            limit.max_count = count
    db.session.flush()
    saved = branch_limits_of(street)
    record_event(
        actor,
        "matching.branch_limits_saved",
        street,
        street.area.organisation_id,
        street=street.name,
        limits={group.value: n for group, n in saved.items()},
    )
    return saved


def street_overview(organisation: Organisation, today: date | None = None) -> list[dict[str, Any]]:
    """Every street of the organisation's areas with its profile and current branch mix."""
    area_ids = [a.id for a in organisation.areas]
    occupants = occupants_of(area_ids, today or clock.today())
    rows = db.session.execute(queries.streets_of_areas(area_ids))
    return [
        {
            "street": street,
            "profile": profile,
            "occupants": occupants.get(street_key(street.area_id, street.name), {}),
        }
        for street, profile in rows
    ]
