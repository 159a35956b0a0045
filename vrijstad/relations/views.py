"""The staff's relations: the list and its segments, a relation's timeline, messages to a
segment, and the owner's claim of held units through an invitation link."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from vrijstad import submissions
from vrijstad.extensions import db
from vrijstad.forms import ButtonForm
from vrijstad.i18n import gettext as _
from vrijstad.invitations import accept_signed_invitation
from vrijstad.loaders import allow, load
from vrijstad.organisations.models import Organisation
from vrijstad.organisations.services import can_manage, organisations_of
from vrijstad.relations import services
from vrijstad.relations.forms import ContactForm, MessageForm, RelationForm, SegmentForm
from vrijstad.relations.models import ContactKind, Message, Relation, RelationKind
from vrijstad.web import attempt, button_action, required

bp = Blueprint("relations", __name__)


def _organisation(organisation_id: int) -> Organisation:
    """An organisation the current user works for; 404 for anyone else."""
    return load(Organisation, organisation_id, lambda user, org: can_manage(user, org.id))


def _relation(relation_id: int) -> Relation:
    return load(Relation, relation_id, services.may_see)


def _segment_of_request() -> services.Segment:
    """The segment the page's filter asks for (a field with a bad value is left out)."""
    form = SegmentForm(request.form if request.method == "POST" else request.args)
    form.validate()
    return _segment(form)


def _segment(form: SegmentForm | MessageForm) -> services.Segment:
    kind = form.kind.data if not form.kind.errors else None
    return services.Segment(
        street=(form.street.data or "").strip() or None,
        vacant_months=form.vacant_months.data if not form.vacant_months.errors else None,
        kind=RelationKind(kind) if kind else None,
    )


def _unit_choices(form: RelationForm, organisation_id: int) -> None:
    units = db.session.scalars(services.organisation_units(organisation_id))
    form.units.choices = [(u.id, f"{u.address}, {u.city}") for u in units]


@bp.get("/relations")
@login_required
def start():
    """The relations of the first organisation the staff member works for."""
    organisations = organisations_of(current_user)
    allow(bool(organisations))
    return redirect(url_for(".index", organisation_id=organisations[0].id))


@bp.get("/organisations/<int:organisation_id>/relations")
@login_required
def index(organisation_id: int):
    organisation = _organisation(organisation_id)
    form = SegmentForm(request.args)
    form.validate()
    segment = _segment(form)
    relations = services.segment_of(organisation.id, segment)
    return render_template(
        "relations/index.html", organisation=organisation, form=form, relations=relations
    )


@bp.route("/organisations/<int:organisation_id>/relations/new", methods=["GET", "POST"])
@login_required
def create(organisation_id: int):
    organisation = _organisation(organisation_id)
    form = RelationForm()
    _unit_choices(form, organisation.id)
    if form.validate_on_submit():
        done = attempt(
            lambda: services.create_relation(current_user, organisation, form.data), form
        )
        if relation := done.value:
            return redirect(url_for(".detail", relation_id=relation.id), code=303)
    status = 422 if form.is_submitted() else 200
    return render_template(
        "relations/form.html", organisation=organisation, form=form, relation=None
    ), status


@bp.route("/relations/<int:relation_id>/edit", methods=["GET", "POST"])
@login_required
def edit(relation_id: int):
    relation = _relation(relation_id)
    form = RelationForm(obj=relation, data={"units": [u.id for u in relation.units]})
    _unit_choices(form, relation.organisation_id)
    if form.validate_on_submit() and attempt(
        lambda: services.update_relation(current_user, relation, form.data), form
    ):
        return redirect(url_for(".detail", relation_id=relation.id), code=303)
    status = 422 if form.is_submitted() else 200
    organisation = db.session.get_one(Organisation, relation.organisation_id)
    return render_template(
        "relations/form.html", organisation=organisation, form=form, relation=relation
    ), status


def _detail(relation: Relation, form: ContactForm, status: int = 200):
    return render_template(
        "relations/detail.html",
        relation=relation,
        form=form,
        timeline=services.timeline(relation),
        held=services.held_units(relation),
        button=ButtonForm(),
    ), status


@bp.get("/relations/<int:relation_id>")
@login_required
def detail(relation_id: int):
    return _detail(_relation(relation_id), ContactForm(formdata=None))


@bp.post("/relations/<int:relation_id>/contacts")
@login_required
def log_contact(relation_id: int):
    relation = _relation(relation_id)
    form = ContactForm()
    if form.validate_on_submit() and attempt(
        lambda: services.log_contact(
            current_user,
            relation,
            ContactKind(form.kind.data),
            required(form.happened_on.data),
            form.note.data or "",
            form.next_on.data,
            form.next_what.data,
        ),
        form,
    ):
        flash(_("The contact is on the timeline."), "success")
        return redirect(url_for(".detail", relation_id=relation.id), code=303)
    return _detail(relation, form, 422)


@bp.post("/relations/<int:relation_id>/follow-up/done")
@login_required
def follow_up_done(relation_id: int):
    relation = _relation(relation_id)
    button_action(lambda: services.finish_follow_up(relation), _("The follow-up is done."))
    return redirect(url_for(".detail", relation_id=relation.id), code=303)


@bp.post("/relations/<int:relation_id>/delete")
@login_required
def delete(relation_id: int):
    relation = _relation(relation_id)
    organisation_id, name = relation.organisation_id, relation.name
    if button_action(
        lambda: services.delete_relation(current_user, relation),
        _("%(name)s is removed from the relations.", name=name),
    ):
        return redirect(url_for(".index", organisation_id=organisation_id), code=303)
    return redirect(url_for(".detail", relation_id=relation_id), code=303)


@bp.post("/relations/<int:relation_id>/invite")
@login_required
def invite(relation_id: int):
    relation = _relation(relation_id)
    button_action(
        lambda: services.invite_owner(current_user, relation),
        _("The invitation has been sent to %(email)s.", email=relation.email),
    )
    return redirect(url_for(".detail", relation_id=relation.id), code=303)


@bp.route("/organisations/<int:organisation_id>/relations/message", methods=["GET", "POST"])
@login_required
def message(organisation_id: int):
    organisation = _organisation(organisation_id)
    form = MessageForm(formdata=request.form if request.method == "POST" else request.args)
    if request.method == "POST" and form.validate():
        done = submissions.claim(f"relations.message:{organisation.id}", form.key.data)
        if done.repeated and done.submission and done.submission.result:
            sent_id = int(done.submission.result.split(":")[1])
            return redirect(url_for(".sent", message_id=sent_id), code=303)
        outcome = attempt(lambda: _send(organisation, form, done.submission), form)
        if sent := outcome.value:
            flash(_("The message has been sent."), "success")
            return redirect(url_for(".sent", message_id=sent.id), code=303)
    relations = services.segment_of(organisation.id, _segment_of_request())
    status = 422 if request.method == "POST" else 200
    return render_template(
        "relations/message.html", organisation=organisation, form=form, relations=relations
    ), status


def _send(
    organisation: Organisation, form: MessageForm, submission: submissions.Submission | None
) -> Message:
    sent = services.send_message(
        current_user, organisation, _segment(form), form.subject.data or "", form.body.data or ""
    )
    if submission is not None:
        submission.result = f"message:{sent.id}"
    return sent


@bp.get("/relations/messages/<int:message_id>")
@login_required
def sent(message_id: int):
    message = load(Message, message_id, lambda user, m: can_manage(user, m.organisation_id))
    return render_template("relations/sent.html", message=message)


@bp.route("/relations/claim/<token>", methods=["GET", "POST"])
def claim(token: str):
    """The owner's invitation link: make an account (or log in) and claim the held units."""
    return accept_signed_invitation(
        token,
        services.relation_of_token,
        lambda relation, user, name, password: services.claim_units(
            relation, user, name=name, password=password
        ),
        lambda _relation, claimed: (
            claimed[0],
            _("The units are yours now: %(count)d in all.", count=len(claimed[1])),
            url_for("units.mine"),
        ),
        "relations/claim.html",
        context=lambda relation: {"relation": relation, "units": services.held_units(relation)},
        invalid_template="relations/claim_invalid.html",
    )
