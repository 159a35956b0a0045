"""A placement, for its starter and the staff: the agreement, the starter's placements and
turnover reports, the deposit and the yearly turnover settlement."""

import sqlalchemy as sa
from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from vrijstad import clock, pdf
from vrijstad.billing import services as billing
from vrijstad.billing.models import (
    Invoice,
    TurnoverReconciliation,
)
from vrijstad.core import DomainError
from vrijstad.extensions import db
from vrijstad.forms import ButtonForm
from vrijstad.i18n import gettext as _
from vrijstad.letting import services
from vrijstad.letting.forms import (
    DepositReturnForm,
    GuaranteeForm,
    ReconcileForm,
    TurnoverForm,
)
from vrijstad.letting.models import (
    Placement,
    TurnoverReport,
)
from vrijstad.letting.views.common import bp
from vrijstad.loaders import load, owned
from vrijstad.organisations.services import can_manage
from vrijstad.payments import sepa
from vrijstad.payments.services import deposit_files
from vrijstad.web import attempt, button_action, required


@bp.get("/placements/<int:placement_id>/agreement.pdf")
@login_required
def agreement(placement_id: int):
    placement = load(Placement, placement_id, services.can_see_placement)
    return pdf.download(services.agreement_pdf(placement), f"agreement-{placement.id}.pdf")


# The starter's placements ------------------------------------------------------------------


@bp.get("/my/placements")
@login_required
def my_placements():
    placements = db.session.scalars(
        sa.select(Placement)
        .where(Placement.starter_id == current_user.id)
        .order_by(Placement.start_date.desc())
    ).all()
    invoices = db.session.scalars(
        sa.select(Invoice)
        .where(Invoice.starter_id == current_user.id)
        .order_by(Invoice.period.desc())
    ).all()
    reports = db.session.scalars(
        sa.select(TurnoverReport)
        .join(Placement)
        .where(Placement.starter_id == current_user.id)
        .order_by(TurnoverReport.period.desc())
    ).all()
    form = TurnoverForm(formdata=None)
    today = clock.today()
    months = {p.id: services.reportable_months(p, today) for p in placements}
    return render_template(
        "letting/my_placements.html",
        placements=placements,
        invoices=invoices,
        reports=reports,
        form=form,
        months=months,
    )


@bp.post("/placements/<int:placement_id>/turnover")
@login_required
def report_turnover(placement_id: int):
    placement = load(Placement, placement_id, lambda user, p: p.starter_id == user.id)
    form = TurnoverForm()
    if form.validate_on_submit():
        upload = form.evidence.data
        evidence = None
        if upload and upload.filename:
            evidence = (upload.filename, upload.read(services.MAX_EVIDENCE_BYTES + 1))
        if attempt(
            lambda: services.submit_turnover(
                current_user, placement, form.period.data, required(form.turnover.data), evidence
            )
        ):
            flash(_("Thank you: your turnover report is in."), "success")
    else:
        flash(" ".join(e for errors in form.errors.values() for e in errors), "error")
    return redirect(url_for("letting.my_placements", _anchor=f"placement-{placement.id}"))


# A placement's deposit and yearly turnover settlement ------------------------------------


def _is_staff(user, placement: Placement) -> bool:
    return placement.organisation_id is not None and can_manage(user, placement.organisation_id)


def _sees_money(user, placement: Placement) -> bool:
    return placement.starter_id == user.id or _is_staff(user, placement)


def _money_page(placement: Placement, status: int = 200, **forms):
    reconciliations = db.session.scalars(
        sa.select(TurnoverReconciliation)
        .where(TurnoverReconciliation.placement_id == placement.id)
        .order_by(TurnoverReconciliation.year.desc())
    ).all()
    return render_template(
        "letting/placement_money.html",
        placement=placement,
        staff=_is_staff(current_user, placement),
        deposit=billing.deposit_state(placement),
        ended=billing.has_ended(placement),
        reconciliations=reconciliations,
        return_form=forms.get("return_form") or DepositReturnForm(formdata=None),
        guarantee_form=forms.get("guarantee_form") or GuaranteeForm(formdata=None),
        transfer_form=ButtonForm(formdata=None),
        reconcile_form=forms.get("reconcile_form")
        or ReconcileForm(formdata=None, year=clock.today().year - 1),
    ), status


def _to_money_page(placement: Placement):
    return redirect(url_for("letting.placement_money", placement_id=placement.id))


@bp.get("/placements/<int:placement_id>/money")
@login_required
def placement_money(placement_id: int):
    return _money_page(load(Placement, placement_id, _sees_money))


@bp.post("/placements/<int:placement_id>/deposit/return")
@login_required
def return_deposit(placement_id: int):
    placement = owned(Placement, placement_id, _is_staff, visible=_sees_money)
    form = DepositReturnForm()
    if form.validate_on_submit() and attempt(
        lambda: billing.return_deposit(
            current_user, placement, form.damages.data or 0, form.description.data
        ),
        form,
    ):
        flash(_("The deposit has been settled; the starter has the statement."), "success")
        return _to_money_page(placement)
    return _money_page(placement, 422, return_form=form)


@bp.post("/placements/<int:placement_id>/deposit/transfer/<any(starter, landlord):payee>")
@login_required
def deposit_transfer(placement_id: int, payee: str):
    """Staff record the bank transfer of the refund (to the starter) or the damages (to the
    landlord) after a deposit's return."""
    placement = owned(Placement, placement_id, _is_staff, visible=_sees_money)
    if button_action(
        lambda: billing.record_transfer(current_user, placement, payee),
        _("The transfer is recorded."),
    ):
        return _to_money_page(placement)
    return _money_page(placement, 422)


@bp.get("/placements/<int:placement_id>/deposit/transfer/<any(starter, landlord):payee>.xml")
@login_required
def deposit_transfer_file(placement_id: int, payee: str):
    """The SEPA file (pain.001) for the refund or the damages, to upload to the bank; it books
    nothing (staff record the transfer once the bank has made it)."""
    placement = owned(Placement, placement_id, _is_staff, visible=_sees_money)
    try:
        made = deposit_files.deposit_transfer_file(current_user, placement, payee, clock.today())
    except DomainError as exc:
        flash(str(exc), "error")
        return _to_money_page(placement)
    return sepa.download(made.xml, made.filename)


@bp.post("/placements/<int:placement_id>/deposit/guarantee")
@login_required
def bank_guarantee(placement_id: int):
    placement = owned(Placement, placement_id, _is_staff, visible=_sees_money)
    form = GuaranteeForm()
    if form.validate_on_submit() and attempt(
        lambda: billing.record_bank_guarantee(current_user, placement, form.reference.data),
        form,
    ):
        flash(_("Bank guarantee recorded."), "success")
        return _to_money_page(placement)
    return _money_page(placement, 422, guarantee_form=form)


@bp.post("/placements/<int:placement_id>/reconciliation")
@login_required
def reconcile_year(placement_id: int):
    placement = load(Placement, placement_id, _sees_money)
    form = ReconcileForm()
    if form.validate_on_submit() and attempt(
        lambda: billing.reconcile_year(
            current_user, placement, required(form.year.data), required(form.turnover.data)
        ),
        form,
    ):
        flash(_("The year has been settled."), "success")
        return _to_money_page(placement)
    return _money_page(placement, 422, reconcile_form=form)
