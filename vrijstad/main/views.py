"""Home page."""

from flask import Blueprint, render_template
from flask_login import current_user

from vrijstad import clock
from vrijstad.dashboard.services import home_cards
from vrijstad.main.services import showcase
from vrijstad.organisations.services import organisations_of
from vrijstad.todo.services import page_of, tasks_of
from vrijstad.units.forms import SearchForm

bp = Blueprint("main", __name__)


@bp.get("/")
def home():
    organisations = organisations_of(current_user)
    today = clock.today()
    return render_template(
        "main/home.html",
        organisations=organisations,
        todo=page_of(tasks_of(current_user, today), 1) if organisations else None,
        search_form=SearchForm(formdata=None),
        showcase=showcase(today),
        **home_cards(current_user, today),
    )


@bp.get("/health")
def health():
    return {"status": "ok"}
