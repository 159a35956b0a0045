"""Collective letting, for the organisation's staff: schemes, head leases, spaces and the
review of turnover reports."""

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from wtforms import SelectChoice

from vrijstad import clock
from vrijstad.areas.models import Area
from vrijstad.billing import services as billing
from vrijstad.billing.forms import PaymentForm, PeriodForm, SpendingForm
from vrijstad.billing.models import (
    DepositReturn,
    FundSpending,
    Invoice,
    Settlement,
)
from vrijstad.errors import refuse
from vrijstad.extensions import db
from vrijstad.forms import ButtonForm, month_choices, month_or_previous
from vrijstad.i18n import gettext as _
from vrijstad.letting import services
from vrijstad.letting.forms import (
    CollectiveForm,
    HeadLeaseForm,
    ReviewForm,
    SpaceForm,
    basis_points,
)
from vrijstad.letting.models import (
    Collective,
    HeadLease,
    HeadLeaseKind,
    HeadLeaseStatus,
    LandlordRule,
    Placement,
    PlacementStatus,
    Space,
    SpaceUnit,
    TurnoverReport,
)
from vrijstad.letting.views.common import bp
from vrijstad.loaders import load, managed, owned
from vrijstad.organisations.services import can_manage
from vrijstad.organisations.views import get_managed_or_403
from vrijstad.storage import get_storage
from vrijstad.units.models import Unit
from vrijstad.web import attempt, required

# Collectives -------------------------------------------------------------------------------


def get_collective_or_403(collective_id: int) -> Collective:
    return managed(Collective, collective_id)


def _collective_form(organisation) -> CollectiveForm:
    form = CollectiveForm()
    form.area_id.choices = [SelectChoice(a.id, a.name) for a in organisation.areas]
    return form


@bp.route("/organisations/<int:organisation_id>/collectives", methods=["GET", "POST"])
@login_required
def collectives(organisation_id: int):
    organisation = get_managed_or_403(organisation_id)
    form = _collective_form(organisation)
    if form.validate_on_submit():
        area = load(Area, form.area_id.data)
        done = attempt(
            lambda: services.create_collective(
                current_user,
                organisation,
                area,
                form.name.data,
                basis_points(form.organisation_fee.data),
                basis_points(form.fund.data),
                LandlordRule(form.landlord_rule.data),
            ),
            form,
        )
        if collective := done.value:
            flash(_("Collective %(name)s created.", name=collective.name), "success")
            return redirect(url_for("letting.collective", collective_id=collective.id))
    existing = db.session.scalars(
        sa.select(Collective)
        .where(Collective.organisation_id == organisation.id)
        .order_by(Collective.name)
    ).all()
    status = 422 if form.is_submitted() else 200
    period_form = PeriodForm(formdata=None)
    period_form.period.choices = month_choices()
    return render_template(
        "letting/collectives.html",
        organisation=organisation,
        form=form,
        collectives=existing,
        period_form=period_form,
    ), status


def _page(collective: Collective, status: int = 200, **forms):
    period = month_or_previous(request.values.get("period"))
    units = db.session.scalars(
        sa.select(Unit)
        .where(Unit.area_id == collective.area_id)
        .order_by(Unit.street, Unit.house_number)
    ).all()
    leases = collective.head_leases
    leased = [lease.unit for lease in leases if lease.status != HeadLeaseStatus.ENDED]
    lease_form = forms.get("lease_form") or HeadLeaseForm(formdata=None)
    lease_form.unit_id.choices = [
        SelectChoice(u.id, f"{u.address}") for u in units if u not in leased
    ]
    space_form = forms.get("space_form") or SpaceForm(formdata=None)
    space_form.unit_id.choices = [SelectChoice(u.id, u.address) for u in leased]
    unit_ids = [u.id for u in leased]
    spaces = db.session.scalars(
        sa.select(Space).where(Space.unit_id.in_(unit_ids)).order_by(Space.unit_id, Space.name)
    ).all()
    placements = db.session.scalars(
        sa.select(Placement)
        .where(Placement.unit_id.in_(unit_ids), Placement.status != PlacementStatus.ENDED)
        .order_by(Placement.start_date)
    ).all()
    returned = sa.select(DepositReturn.placement_id)
    deposits_to_return = db.session.scalars(
        sa.select(Placement)
        .where(
            Placement.unit_id.in_(unit_ids),
            Placement.status == PlacementStatus.ENDED,
            Placement.deposit_cents > 0,
            Placement.deposit_guarantee.is_(False),
            Placement.id.not_in(returned),
        )
        .order_by(Placement.end_date)
    ).all()
    reports = db.session.scalars(
        sa.select(TurnoverReport)
        .join(Placement)
        .where(Placement.unit_id.in_(unit_ids), TurnoverReport.period == period)
        .order_by(TurnoverReport.id)
    ).all()
    missing = [
        p
        for p in services.missing_reports(collective.organisation_id, period)
        if p.unit_id in unit_ids
    ]
    invoices = db.session.scalars(
        sa.select(Invoice)
        .where(Invoice.collective_id == collective.id, Invoice.period == period)
        .order_by(Invoice.number)
    ).all()
    settlements = db.session.scalars(
        sa.select(Settlement)
        .where(Settlement.collective_id == collective.id)
        .order_by(Settlement.period.desc())
    ).all()
    spendings = db.session.scalars(
        sa.select(FundSpending)
        .where(FundSpending.collective_id == collective.id)
        .order_by(FundSpending.id.desc())
    ).all()
    period_form = forms.get("period_form") or PeriodForm(formdata=None)
    period_form.period.choices = month_choices()
    period_form.period.data = period.strftime("%Y-%m")
    return render_template(
        "letting/collective.html",
        collective=collective,
        period=period,
        leases=leases,
        spaces=spaces,
        placements=placements,
        deposits_to_return=deposits_to_return,
        reports=reports,
        missing=missing,
        invoices=invoices,
        settlements=settlements,
        spendings=spendings,
        fund_balance=billing.fund_balance(collective),
        lease_form=lease_form,
        space_form=space_form,
        period_form=period_form,
        review_form=ReviewForm(formdata=None),
        payment_form=PaymentForm(formdata=None, received_on=clock.today()),
        spending_form=forms.get("spending_form") or SpendingForm(formdata=None),
        button=ButtonForm(),
        months=month_choices(),
        unchecked=forms.get("unchecked", []),
    ), status


@bp.get("/collectives/<int:collective_id>")
@login_required
def collective(collective_id: int):
    return _page(get_collective_or_403(collective_id))


def _back(collective: Collective, anchor: str):
    period = request.values.get("period")
    return redirect(
        url_for(
            "letting.collective", collective_id=collective.id, period=period or None, _anchor=anchor
        )
    )


@bp.post("/collectives/<int:collective_id>/head-leases")
@login_required
def add_head_lease(collective_id: int):
    collective = get_collective_or_403(collective_id)
    form = HeadLeaseForm()
    form.unit_id.choices = [
        SelectChoice(u.id, "")
        for u in db.session.scalars(sa.select(Unit).where(Unit.area_id == collective.area_id))
    ]
    if form.validate_on_submit():
        unit = load(Unit, form.unit_id.data)
        terms = services.LeaseTerms(
            kind=HeadLeaseKind(form.kind.data),
            rent_cents_per_month=required(form.rent.data),
            start_date=form.start_date.data,
            end_date=form.end_date.data,
            landlord_share_bp=basis_points(form.landlord_share.data),
            indexation_bp=basis_points(form.indexation.data),
        )
        if attempt(lambda: services.add_head_lease(current_user, collective, unit, terms), form):
            flash(_("Head lease added as a draft."), "success")
            return _back(collective, "leases")
    return _page(collective, 422, lease_form=form)


@bp.post("/head-leases/<int:lease_id>/status")
@login_required
def head_lease_status(lease_id: int):
    lease = managed(HeadLease, lease_id, lambda lease: lease.collective.organisation_id)
    try:
        target = HeadLeaseStatus(request.form.get("status", ""))
    except ValueError:
        refuse(400, _("Unknown status."))
    if ButtonForm().validate_on_submit() and attempt(
        lambda: services.change_head_lease(current_user, lease, target)
    ):
        flash(
            _("The head lease is now %(status)s.", status=services.head_lease_label(target)),
            "success",
        )
    return _back(lease.collective, "leases")


@bp.post("/collectives/<int:collective_id>/spaces")
@login_required
def add_space(collective_id: int):
    collective = get_collective_or_403(collective_id)
    form = SpaceForm()
    leased = [
        lease.unit for lease in collective.head_leases if lease.status != HeadLeaseStatus.ENDED
    ]
    form.unit_id.choices = [SelectChoice(u.id, u.address) for u in leased]
    if form.validate_on_submit():
        unit = load(Unit, form.unit_id.data)
        measure = SpaceUnit(form.measure.data)
        if attempt(
            lambda: services.add_space(current_user, unit, form.name.data, measure, form.size.data),
            form,
        ):
            flash(_("Space added."), "success")
            return _back(collective, "spaces")
    return _page(collective, 422, space_form=form)


@bp.post("/turnover/<int:report_id>/review")
@login_required
def review_turnover(report_id: int):
    report = owned(
        TurnoverReport,
        report_id,
        lambda user, report: (
            report.placement.organisation_id is not None
            and can_manage(user, report.placement.organisation_id)
        ),
    )
    form = ReviewForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            flash(" ".join(map(str, errors)), "error")
    elif attempt(lambda: services.review_turnover(current_user, report, form.question_to_send())):
        asked = form.decision.data == "ask"
        flash(_("Your question was sent.") if asked else _("Report approved."), "success")
    collective = services.collective_of(report.placement.unit_id)
    if collective is None:
        return redirect(url_for("main.home"))
    return redirect(
        url_for(
            "letting.collective",
            collective_id=collective.id,
            period=report.period.strftime("%Y-%m"),
            _anchor="turnover",
        )
    )


@bp.get("/turnover/<int:report_id>/evidence")
@login_required
def evidence(report_id: int):
    report = db.get_or_404(TurnoverReport, report_id)
    placement = report.placement
    allowed = placement.starter_id == current_user.id or (
        placement.organisation_id is not None
        and can_manage(current_user, placement.organisation_id)
    )
    if not allowed or not report.evidence_key:
        abort(404)
    content_type = {"pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg"}[
        report.evidence_key.rsplit(".", 1)[-1]
    ]
    return get_storage().send(
        report.evidence_key,
        report.evidence_filename or "evidence",
        content_type,
        as_attachment=True,
    )
