"""The reference figures an organisation compares its vacancy with (national rate, healthy
maximum)."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from flask import current_app

from vrijstad.audit.services import record_event
from vrijstad.auth.models import User
from vrijstad.dashboard.models import DashboardSettings
from vrijstad.dashboard.services.periods import DashboardError
from vrijstad.extensions import db
from vrijstad.i18n import gettext as _
from vrijstad.organisations.models import MemberRole, Organisation
from vrijstad.organisations.services import can_manage


@dataclass(frozen=True)
class References:
    """National vacancy (Locatus) by count and by floor area, and the healthy maximum (bp)."""

    national_count_bp: int
    national_area_bp: int
    healthy_max_bp: int

    @staticmethod
    def pct(bp: int) -> Decimal:
        return (Decimal(bp) / 100).quantize(Decimal("0.1"), ROUND_HALF_UP)


def settings_of(organisation_id: int) -> DashboardSettings | None:
    return db.session.scalar(
        sa.select(DashboardSettings).where(DashboardSettings.organisation_id == organisation_id)
    )


def references_for(organisation_id: int) -> References:
    """The organisation's own reference figures where it set them, else the configured ones."""
    config = current_app.config
    own = settings_of(organisation_id)
    return References(
        national_count_bp=(own and own.national_count_bp) or config["NATIONAL_VACANCY_COUNT_BP"],
        national_area_bp=(own and own.national_area_bp) or config["NATIONAL_VACANCY_AREA_BP"],
        healthy_max_bp=(own and own.healthy_max_bp) or config["HEALTHY_VACANCY_MAX_BP"],
    )


def save_references(
    actor: User,
    organisation: Organisation,
    national_count_bp: int | None,
    national_area_bp: int | None,
    healthy_max_bp: int | None,
) -> DashboardSettings:
    """An organisation admin sets its reference figures (None: use the configured one)."""
    if not can_manage(actor, organisation.id, MemberRole.ADMIN):
        raise DashboardError(_("Only an administrator of this organisation can change this."))
    values = (national_count_bp, national_area_bp, healthy_max_bp)
    if any(v is not None and not 0 <= v <= 10000 for v in values):
        raise DashboardError(_("A percentage lies between 0 and 100."))
    own = settings_of(organisation.id)
    if own is None:
        own = DashboardSettings(organisation_id=organisation.id)
        db.session.add(own)
    own.national_count_bp, own.national_area_bp, own.healthy_max_bp = values
    db.session.flush()
    record_event(
        actor,
        "dashboard.references",
        own,
        organisation.id,
        count=national_count_bp,
        area=national_area_bp,
        healthy=healthy_max_bp,
    )
    return own
