"""Starter profiles: saving, completeness and the business plan document."""

import io
import logging
import uuid
from dataclasses import dataclass

import sqlalchemy as sa
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from vrijstad import clock
from vrijstad.areas.models import Area, Street
from vrijstad.audit.services import record_event
from vrijstad.auth.models import User
from vrijstad.core import DomainError
from vrijstad.extensions import db
from vrijstad.i18n import gettext as _
from vrijstad.starters.models import StarterProfile
from vrijstad.storage import get_storage

MAX_PLAN_BYTES = 10 * 1024 * 1024
logging.getLogger("pypdf").setLevel(logging.ERROR)  # a damaged PDF is our error message

PROFILE_FIELDS = (
    "trade_name",
    "concept",
    "branch_group",
    "required_use",
    "city",
    "kvk_number",
    "btw_id",
    "iban",
    "min_area_m2",
    "max_area_m2",
    "budget_cents_per_month",
    "earliest_start",
    "space_kind",
    "invitations_opt_out",
)


class ProfileError(DomainError):
    """A profile change was refused; field names the form field, if any."""


class PlanTooLarge(ProfileError):
    """A business plan over the size limit (a 413 page)."""


@dataclass(frozen=True)
class Completeness:
    percent: int
    missing: list[str]


def profile_of(user: User) -> StarterProfile | None:
    return db.session.scalar(sa.select(StarterProfile).where(StarterProfile.user_id == user.id))


def get_or_create_profile(user: User) -> StarterProfile:
    profile = profile_of(user)
    if profile is None:
        profile = StarterProfile(user_id=user.id)
        db.session.add(profile)
    return profile


def save_profile(user: User, data: dict, area_ids=(), street_ids=()) -> StarterProfile:
    """Store a starter's profile; the preferred areas and streets replace the old ones."""
    if not user.is_starter:
        raise ProfileError(_("Only starters have a starter profile."))
    low, high = data.get("min_area_m2"), data.get("max_area_m2")
    if low is not None and high is not None and high < low:
        raise ProfileError(
            _("The largest floor area must be at least the smallest."), "max_area_m2"
        )
    profile = get_or_create_profile(user)
    for key in PROFILE_FIELDS:
        if key in data:
            setattr(profile, key, data[key])
    areas = list(db.session.scalars(sa.select(Area).where(Area.id.in_(list(area_ids)))))
    streets = list(db.session.scalars(sa.select(Street).where(Street.id.in_(list(street_ids)))))
    if len(areas) != len(set(area_ids)):
        raise ProfileError(_("Choose existing areas."), "area_ids")
    if len(streets) != len(set(street_ids)):
        raise ProfileError(_("Choose existing streets."), "street_ids")
    profile.areas = areas
    profile.streets = streets
    db.session.flush()
    record_event(user, "starter.profile_saved", profile)
    return profile


def completeness(profile: StarterProfile | None) -> Completeness:
    """How complete a profile is, and what is missing, in the words a starter understands."""
    checks = [
        (_("trade name"), profile and profile.trade_name),
        (_("concept"), profile and profile.concept),
        (_("branch group"), profile and profile.branch_group),
        (_("KvK number"), profile and profile.kvk_number),
        (_("IBAN"), profile and profile.iban),
        (_("floor area range"), profile and profile.min_area_m2 and profile.max_area_m2),
        (_("monthly budget"), profile and profile.budget_cents_per_month),
        (_("preferred areas or streets"), profile and (profile.areas or profile.streets)),
        (_("earliest start date"), profile and profile.earliest_start),
        (_("kind of space"), profile and profile.space_kind),
        (_("business plan"), profile and profile.plan_key),
    ]
    missing = [label for label, ok in checks if not ok]
    return Completeness(round(100 * (len(checks) - len(missing)) / len(checks)), missing)


def check_pdf(data: bytes) -> int:
    """The page count of a real PDF; ProfileError when the bytes are not one."""
    if len(data) > MAX_PLAN_BYTES:
        raise PlanTooLarge(_("The business plan may be at most 10 MB."), "plan")
    if not data.startswith(b"%PDF-"):
        raise ProfileError(_("The business plan must be a PDF file."), "plan")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        pages = len(reader.pages)
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
        raise ProfileError(_("This PDF file is damaged or cannot be read."), "plan") from exc
    if pages < 1:
        raise ProfileError(_("This PDF file has no pages."), "plan")
    return pages


def store_plan(user: User, filename: str, data: bytes) -> StarterProfile:
    """Check a business plan by its content and keep it; the old plan is removed."""
    if not user.is_starter:
        raise ProfileError(_("Only starters have a starter profile."))
    check_pdf(data)
    profile = get_or_create_profile(user)
    db.session.flush()
    old_key = profile.plan_key
    key = f"plans/{profile.id}/{uuid.uuid4().hex}.pdf"
    get_storage().put(key, data, "application/pdf")
    profile.plan_key = key
    profile.plan_filename = _safe_filename(filename)
    profile.plan_size = len(data)
    profile.plan_uploaded_at = clock.now()
    db.session.flush()
    if old_key:
        get_storage().delete(old_key)
    record_event(user, "starter.plan_uploaded", profile, size=len(data))
    return profile


def _safe_filename(name: str) -> str:
    """A display name for a download: the last path part, printable, ending in .pdf."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(c for c in base if c.isprintable() and c not in '"<>|:*?').strip(". ")
    base = base[:150] or "business-plan"
    return base if base.lower().endswith(".pdf") else base + ".pdf"
