"""The desk's corrections to a published call: an erratum, a deadline moved forward."""

from flask import flash
from flask_login import current_user, login_required

from vrijstad.contests import services
from vrijstad.contests.forms import DeadlineForm, ErratumForm
from vrijstad.contests.services import ContestError
from vrijstad.contests.views.common import bp, get_managed_or_403
from vrijstad.contests.views.desk import desk_page, to_desk
from vrijstad.i18n import gettext as _
from vrijstad.web import attempt


@bp.post("/contests/<int:contest_id>/errata")
@login_required
def publish_erratum(contest_id: int):
    contest = get_managed_or_403(contest_id)
    form = ErratumForm()
    if form.validate_on_submit() and attempt(
        lambda: services.publish_erratum(current_user, contest, form.text.data),
        form,
        ContestError,
    ):
        flash(_("The correction is published and every entrant has been told."), "success")
        return to_desk(contest, "corrections")
    return desk_page(contest, 422, erratum_form=form)


@bp.post("/contests/<int:contest_id>/deadline")
@login_required
def extend_deadline(contest_id: int):
    contest = get_managed_or_403(contest_id)
    form = DeadlineForm()
    if form.validate_on_submit() and attempt(
        lambda: services.extend_deadline(
            current_user, contest, form.deadline.data, form.new_date.data
        ),
        form,
        ContestError,
    ):
        flash(_("The deadline is extended and every entrant has been told."), "success")
        return to_desk(contest, "corrections")
    return desk_page(contest, 422, deadline_form=form)
