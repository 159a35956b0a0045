"""Recommendations and invitations: the best units for a starter, the best starters for a
unit, and inviting a starter who fits to apply."""

from collections.abc import Iterable
from datetime import date

from vrijstad import clock
from vrijstad.applications.services import is_landlord_side
from vrijstad.audit.services import record_event
from vrijstad.auth.models import User
from vrijstad.extensions import db
from vrijstad.i18n import gettext as _
from vrijstad.matching import queries, scoring
from vrijstad.matching.errors import MatchingError
from vrijstad.matching.explain import Match, exclusion_reasons, explain
from vrijstad.matching.features import load_profiles, starter_features, unit_features
from vrijstad.matching.held import held_starters
from vrijstad.matching.models import MatchInvitation
from vrijstad.notifications.services import notify
from vrijstad.organisations.models import Organisation
from vrijstad.starters.models import StarterProfile
from vrijstad.starters.services import profile_of
from vrijstad.units.models import Unit

MAX_RECOMMENDATIONS = 50


def recommend_units(starter: User, limit: int = 10, today: date | None = None) -> list[Match]:
    """The open units that fit a starter best, best first; never an excluded pair."""
    today = today or clock.today()
    profile = profile_of(starter)
    if profile is None:
        return []
    units = list(db.session.scalars(queries.units_for_starter(starter, profile)))
    s, u = starter_features([profile]), unit_features(units, today)
    scores, excluded = scoring.score_matrix(s, u, today.toordinal())
    best = scoring.top_k(scores[0], excluded[0], min(limit, MAX_RECOMMENDATIONS))
    return [explain(s, u.take([j]), profile, units[j], int(scores[0, j]), today) for j in best]


def recommend_starters(
    unit: Unit, limit: int = 10, today: date | None = None, with_held: bool = False
) -> list[Match]:
    """The starters who fit a unit best and have not applied for it, best first; those with
    a place already (held.py) only with_held."""
    today = today or clock.today()
    profiles = load_profiles(queries.candidates_for_unit(unit))
    if not with_held:
        placed = held_starters([p.user_id for p in profiles], today)
        profiles = [p for p in profiles if p.user_id not in placed]
    s, u = starter_features(profiles), unit_features([unit], today)
    scores, excluded = scoring.score_matrix(s, u, today.toordinal())
    best = scoring.top_k(scores[:, 0], excluded[:, 0], min(limit, MAX_RECOMMENDATIONS))
    return [explain(s.take([i]), u, profiles[i], unit, int(scores[i, 0]), today) for i in best]


def invited_starter_ids(unit: Unit) -> set[int]:
    return set(db.session.scalars(queries.invited_starters(unit.id)))


def invite_to_apply(
    actor: User, unit: Unit, starter_id: int, today: date | None = None
) -> MatchInvitation:
    """Invite a starter who fits a unit to apply for it (once); the starter is notified."""
    today = today or clock.today()
    if not is_landlord_side(actor, unit):
        raise MatchingError(_("Only the landlord or the area's organisation can invite."))
    if unit.status not in queries.OPEN_UNIT_STATUSES:
        raise MatchingError(_("This unit is not open for applications."))
    profile = db.session.scalar(
        queries.candidates_for_unit(unit).where(StarterProfile.user_id == starter_id)
    )
    if profile is None:
        raise MatchingError(_("This starter cannot be invited for this unit (any more)."))
    if profile.invitations_opt_out:
        raise MatchingError(_("This starter does not want to be invited to apply."))
    if starter_id in invited_starter_ids(unit):
        raise MatchingError(_("This starter has already been invited for this unit."))
    s, u = starter_features([profile]), unit_features([unit], today)
    reasons = exclusion_reasons(s, u, today)
    if reasons:
        raise MatchingError(" ".join(reasons))
    scores, _excluded = scoring.score_matrix(s, u, today.toordinal())
    invitation = MatchInvitation(
        unit_id=unit.id, starter_id=starter_id, invited_by_id=actor.id, score=int(scores[0, 0])
    )
    db.session.add(invitation)
    db.session.flush()
    organisation_id = unit.area.organisation_id if unit.area else None
    record_event(
        actor,
        "matching.invited",
        invitation,
        organisation_id,
        unit=unit.id,
        starter=starter_id,
        score=invitation.score,
    )
    notify(
        [profile.user],
        "matching.invited",
        "units.detail",
        {"unit_id": unit.id},
        {"unit": f"{unit.address}, {unit.city}", "score": invitation.score},
    )
    return invitation


def invite_pairs(
    actor: User, organisation: Organisation, pairs: Iterable[tuple[int, int]]
) -> tuple[int, list[str]]:
    """Turn chosen (unit id, starter id) pairs into invitations; returns the number sent and
    why the others were not."""
    sent, problems = 0, []
    for unit_id, starter_id in pairs:
        unit = db.session.get(Unit, unit_id)
        if unit is None or unit.area is None or unit.area.organisation_id != organisation.id:
            problems.append(_("Unit %(id)d is not one of this organisation's units.", id=unit_id))
            continue
        try:
            invite_to_apply(actor, unit, starter_id)
        except MatchingError as exc:
            problems.append(f"{unit.address}: {exc}")
        else:
            sent += 1
    return sent, problems
