"""Applying: who may apply as what, where and when, and the project details."""

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa

from vrijstad import clock
from vrijstad.areas.models import Area, Street
from vrijstad.audit.services import record_event
from vrijstad.auth.models import User
from vrijstad.auth.verification import require_verified_email
from vrijstad.extensions import db
from vrijstad.forms import normalise_kvk, valid_kvk
from vrijstad.i18n import gettext as _
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.labels import label
from vrijstad.organisations.models import Membership, Organisation
from vrijstad.starters.services import profile_of
from vrijstad.subsidies.models import (
    ApplicantKind,
    Handling,
    SubsidyApplication,
    SubsidyScheme,
    SubsidyStatus,
)
from vrijstad.subsidies.services.base import (
    SubsidyError,
    change_status,
    require_applicant,
    require_editable,
    require_staff,
)
from vrijstad.subsidies.services.notices import notify_applicant, notify_staff

# Applications ------------------------------------------------------------------------------


@dataclass
class ApplicationData:
    """The project and the applicant, as the applicant enters them."""

    applicant_kind: ApplicantKind
    applicant_name: str
    applicant_kvk: str
    title: str
    description: str
    work_starts_on: date
    street_id: int | None = None
    address: str | None = None
    #: Other de-minimis aid received in this and the two previous years (declared), cents.
    other_de_minimis_cents: int = 0


def kinds_for_scheme(user: User, scheme: SubsidyScheme) -> list[ApplicantKind]:
    """The kinds of applicant a person can apply as under this scheme (none: not theirs)."""
    return [kind for kind in kinds_for(user) if kind.value in scheme.applicant_kinds]


def kinds_for(user: User) -> list[ApplicantKind]:
    """The kinds of applicant a person can apply as."""
    if not user.is_authenticated:
        return []
    kinds = []
    if user.is_landlord:
        kinds.append(ApplicantKind.LANDLORD)
    if user.is_starter:
        kinds.append(ApplicantKind.STARTER)
    if user.is_landlord or user.is_starter:
        kinds.append(ApplicantKind.GROUP)
    if _member_organisation(user) is not None:
        kinds.append(ApplicantKind.ORGANISATION)
    return kinds


def _member_organisation(user: User, prefer_id: int | None = None) -> Organisation | None:
    organisations = list(
        db.session.scalars(
            sa.select(Organisation)
            .join(Membership)
            .where(Membership.user_id == user.id)
            .order_by(Organisation.id)
        )
    )
    preferred = [o for o in organisations if o.id == prefer_id]
    return (preferred or organisations)[0] if organisations else None


def applicant_defaults(user: User, scheme: SubsidyScheme) -> dict[str, str | None]:
    """Name and KvK number to prefill: the starter's trade name, or the organisation."""
    kinds = [k for k in kinds_for(user) if k.value in scheme.applicant_kinds]
    values: dict[str, str | None] = {
        "applicant_name": user.name,
        "applicant_kvk": "",
        "applicant_kind": kinds[0].value if kinds else None,
    }
    profile = profile_of(user) if user.is_starter else None
    if profile is not None:
        values["applicant_name"] = profile.trade_name or user.name
        values["applicant_kvk"] = profile.kvk_number or ""
    if kinds and kinds[0] == ApplicantKind.ORGANISATION:
        organisation = _member_organisation(user, scheme.organisation_id)
        if organisation is not None:
            values["applicant_name"] = organisation.name
            values["applicant_kvk"] = organisation.kvk_number
    return values


def eligible_streets(scheme: SubsidyScheme) -> list[Street]:
    """The streets an application may be for (empty: anywhere in the organisation's areas)."""
    if scheme.streets:
        return list(scheme.streets)
    return [s for a in scheme.areas for s in a.streets]


def street_choices(scheme: SubsidyScheme) -> list[Street]:
    """Every street of the scheme's organisation, for the form."""
    return list(
        db.session.scalars(
            sa.select(Street)
            .join(Area)
            .where(Area.organisation_id == scheme.organisation_id)
            .order_by(Street.name, Street.id)
        )
    )


def location_restricted(scheme: SubsidyScheme) -> bool:
    return bool(scheme.streets or scheme.areas)


def check_location(scheme: SubsidyScheme, street_id: int | None) -> Street | None:
    street = db.session.get(Street, street_id) if street_id else None
    if street_id and (street is None or street.area.organisation_id != scheme.organisation_id):
        raise SubsidyError(_("Choose a street from the list."), "street_id")
    if not location_restricted(scheme):
        return street
    if street is None:
        raise SubsidyError(
            _("This scheme applies only in certain streets: choose the street."), "street_id"
        )
    allowed = eligible_streets(scheme)
    if street.id not in {s.id for s in allowed}:
        names = ", ".join(sorted({s.name for s in allowed}))
        raise SubsidyError(
            _(
                "%(street)s is outside this scheme: it applies only in %(streets)s.",
                street=street.name,
                streets=names or "—",
            ),
            "street_id",
        )
    return street


def check_start(scheme: SubsidyScheme, starts_on: date, on: date) -> None:
    """Work that started before the application is not subsidised; some schemes ask more."""
    if not scheme.apply_before_start:
        return
    if scheme.lead_days and starts_on < on + timedelta(days=scheme.lead_days):
        raise SubsidyError(
            _l(
                "Apply at least %(days)d days before the work starts: with this scheme the work "
                "can start on %(date)s at the earliest."
            ),
            "work_starts_on",
            days=scheme.lead_days,
            date=on + timedelta(days=scheme.lead_days),
        )
    if starts_on < on:
        raise SubsidyError(
            _(
                "Work that started before the application is not subsidised: apply "
                "before the work starts."
            ),
            "work_starts_on",
        )


def check_open(scheme: SubsidyScheme, on: date) -> None:
    if not scheme.active:
        raise SubsidyError(_("This scheme takes no applications at the moment."))
    if (
        scheme.handling == Handling.TENDER
        and scheme.tender_deadline
        and on > scheme.tender_deadline
    ):
        raise SubsidyError(
            _l("The deadline of this tender, %(date)s, has passed."), date=scheme.tender_deadline
        )


def _check_details(
    actor: User, scheme: SubsidyScheme, data: ApplicationData, on: date
) -> tuple[Street | None, int | None]:
    if data.applicant_kind not in kinds_for(actor):
        raise SubsidyError(
            _("You cannot apply as %(kind)s.", kind=label(data.applicant_kind)),
            "applicant_kind",
        )
    if data.applicant_kind.value not in scheme.applicant_kinds:
        allowed = ", ".join(label(ApplicantKind(k)) for k in scheme.applicant_kinds)
        raise SubsidyError(_("This scheme is for %(kinds)s only.", kinds=allowed), "applicant_kind")
    if not (data.applicant_name or "").strip():
        raise SubsidyError(_("Enter the name of the applicant."), "applicant_name")
    if not valid_kvk(data.applicant_kvk):
        raise SubsidyError(_("A KvK number has exactly 8 digits."), "applicant_kvk")
    if not (data.title or "").strip():
        raise SubsidyError(_("Give the project a title."), "title")
    if len((data.description or "").strip()) < 20:
        raise SubsidyError(
            _("Describe the project in a few sentences (at least 20 characters)."), "description"
        )
    if data.other_de_minimis_cents < 0:
        raise SubsidyError(_("Enter an amount of € 0 or more."), "other_de_minimis")
    street = check_location(scheme, data.street_id)
    check_start(scheme, data.work_starts_on, on)
    organisation_id = None
    if data.applicant_kind == ApplicantKind.ORGANISATION:
        organisation = _member_organisation(actor, scheme.organisation_id)
        organisation_id = organisation.id if organisation is not None else None
    return street, organisation_id


def _set_details(
    application: SubsidyApplication,
    data: ApplicationData,
    street: Street | None,
    organisation_id: int | None,
) -> None:
    application.applicant_kind = data.applicant_kind
    application.applicant_organisation_id = organisation_id
    application.applicant_name = data.applicant_name.strip()[:160]
    application.applicant_kvk = normalise_kvk(data.applicant_kvk)
    application.title = data.title.strip()[:160]
    application.description = data.description.strip()[:10000]
    application.street_id = street.id if street else None
    application.address = (data.address or "").strip()[:160] or None
    application.work_starts_on = data.work_starts_on
    application.other_de_minimis_cents = data.other_de_minimis_cents


def start_application(
    actor: User, scheme: SubsidyScheme, data: ApplicationData, on: date | None = None
) -> SubsidyApplication:
    """Someone starts an application: it waits for the intake talk with the staff."""
    on = on or clock.today()
    if not actor.is_authenticated:
        raise SubsidyError(_("Log in to apply."))
    require_verified_email(actor)
    check_open(scheme, on)
    street, organisation_id = _check_details(actor, scheme, data, on)
    application = SubsidyApplication(scheme=scheme, applicant_id=actor.id)
    _set_details(application, data, street, organisation_id)
    db.session.add(application)
    db.session.flush()
    record_event(actor, "subsidy.started", application, scheme.organisation_id, scheme=scheme.id)
    notify_staff(application, "started", actor)
    return application


def update_details(
    actor: User, application: SubsidyApplication, data: ApplicationData, on: date | None = None
) -> SubsidyApplication:
    """The applicant corrects the project details before submitting (or when asked)."""
    require_applicant(actor, application)
    require_editable(application)
    if on is None:  # the rules on timing count from the application, once it is in
        on = (
            clock.local_date(application.submitted_at)
            if application.submitted_at
            else clock.today()
        )
    street, organisation_id = _check_details(actor, application.scheme, data, on)
    _set_details(application, data, street, organisation_id)
    db.session.flush()
    record_event(actor, "subsidy.details", application, application.scheme.organisation_id)
    return application


def record_intake(actor: User, application: SubsidyApplication, note: str) -> SubsidyApplication:
    """Staff record the intake talk; the applicant then completes the application."""
    require_staff(actor, application.scheme)
    note = (note or "").strip()
    if len(note) < 10:
        raise SubsidyError(
            _("Write down what was discussed in the intake (at least 10 characters)."), "note"
        )
    application.intake_note = note[:10000]
    change_status(actor, application, SubsidyStatus.DRAFT)
    notify_applicant(application, "intake")
    return application
