"""Pages of saved searches and favourites: save a search from the search page, "Mijn
zoekopdrachten", the heart on units, "Mijn favorieten", and the digest's unsubscribe link."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from vrijstad.errors import back_url, refuse
from vrijstad.extensions import csrf, db
from vrijstad.forms import ButtonForm
from vrijstad.i18n import gettext as _
from vrijstad.loaders import allow, load
from vrijstad.saved import digests, services
from vrijstad.saved.forms import EditSearchForm, FavouriteForm, SearchForm
from vrijstad.saved.models import DigestFrequency, SavedSearch
from vrijstad.units.models import Unit
from vrijstad.units.services import can_view
from vrijstad.web import attempt, button_action, commit, is_htmx, required, silent

bp = Blueprint("saved", __name__)


def _starter() -> None:
    allow(services.may_save(current_user), _("Saved searches and favourites are for starters."))


def _own_search(search_id: int) -> SavedSearch:
    """The current user's saved search; someone else's is 404 (it is private)."""
    return load(SavedSearch, search_id, services.owns)


def _described(args: MultiDict) -> str:
    """A first name for a search: its city and street, or a plain one."""
    parts = [args.get(name, "").strip() for name in ("city", "street")]
    return " · ".join(p for p in parts if p)[:120] or _("My search")


@bp.route("/saved/searches/new", methods=["GET", "POST"])
@login_required
def new_search():
    _starter()
    form = SearchForm()
    args = MultiDict(request.args)
    if request.method == "GET":
        form.query.data = services.normalise_query(args)
        form.name.data = _described(args)
    if form.validate_on_submit():
        query = MultiDict(services.decode(form.query.data or ""))
        done = attempt(
            lambda: services.save_search(
                current_user,
                query,
                required(form.name.data),
                DigestFrequency(form.frequency.data),
            ),
            form,
        )
        if done:
            flash(_("Search saved. New units that match are e-mailed to you."), "success")
            return redirect(url_for("saved.searches"))
    status = 422 if form.errors else 200
    preview = url_for("units.index", **MultiDict(services.decode(form.query.data or "")))
    return render_template("saved/new.html", form=form, preview=preview), status


@bp.get("/saved/searches")
@login_required
def searches():
    _starter()
    found = db.session.scalars(services.searches_of(current_user)).all()
    forms = {}
    for search in found:
        form = EditSearchForm(prefix=f"s{search.id}", formdata=None)
        form.name.data, form.frequency.data = search.name, search.frequency.value
        form.mailing.data = search.mailing
        forms[search.id] = form
    return render_template(
        "saved/searches.html",
        searches=found,
        forms=forms,
        button=ButtonForm(),
        open_url=lambda s: url_for("units.index", **services.query_args(s)),
    )


@bp.post("/saved/searches/<int:search_id>")
@login_required
def edit_search(search_id: int):
    search = _own_search(search_id)
    form = EditSearchForm(prefix=f"s{search.id}")
    if not form.validate_on_submit():
        messages = [m for errors in form.errors.values() for m in errors]
        refuse(422, " ".join(map(str, messages)))
    if attempt(
        lambda: services.update_search(
            current_user,
            search,
            required(form.name.data),
            DigestFrequency(form.frequency.data),
            bool(form.mailing.data),
        )
    ):
        flash(_("Search changed."), "success")
    return redirect(url_for("saved.searches"))


@bp.post("/saved/searches/<int:search_id>/delete")
@login_required
def delete_search(search_id: int):
    search = _own_search(search_id)
    button_action(lambda: services.delete_search(current_user, search), _("Search deleted."))
    return redirect(url_for("saved.searches"))


@bp.route("/saved/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # the signed link is the key; mail programs post it (RFC 8058)
def unsubscribe(token: str):
    """The digest's link: a page with one button (link checkers only GET); the mail
    program's own unsubscribe posts here directly."""
    outcome = attempt(lambda: digests.search_of_token(token), show=silent)
    if not outcome:
        return render_template("saved/unsubscribe.html", error=str(outcome.error)), 400
    search = required(outcome.value)
    if request.method == "POST":
        commit(lambda: digests.unsubscribe(search))
        return render_template("saved/unsubscribe.html", search=search, done=True)
    return render_template("saved/unsubscribe.html", search=search, done=not search.mailing)


@bp.post("/units/<int:unit_id>/favourite")
@login_required
def favourite(unit_id: int):
    _starter()
    unit = load(Unit, unit_id, can_view)
    form = FavouriteForm()
    if not form.validate_on_submit():
        abort(400)
    wanted = form.wanted.data != "0"
    now = commit(lambda: services.set_favourite(current_user, unit, wanted))
    if is_htmx():
        return render_template("saved/_heart.html", unit_id=unit.id, favourite=now)
    flash(_("Saved in your favourites.") if now else _("Removed from your favourites."), "success")
    return redirect(back_url())


@bp.get("/saved/favourites")
@login_required
def favourites():
    _starter()
    found = db.session.scalars(services.favourites_of(current_user)).all()
    return render_template("saved/favourites.html", favourites=found)


@bp.app_context_processor
def hearts() -> dict:
    """``favourite_ids()`` for the hearts on unit cards and pages (empty for others than
    starters), once per request."""
    cache: dict[str, frozenset[int]] = {}

    def favourite_ids() -> frozenset[int]:
        if "ids" not in cache:
            cache["ids"] = services.favourite_ids(current_user)
        return cache["ids"]

    return {"favourite_ids": favourite_ids, "may_save": lambda: services.may_save(current_user)}
