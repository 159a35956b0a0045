"""Home page."""

from flask import Blueprint, render_template
from flask_login import current_user

from vrijstad.dashboard.services import home_cards
from vrijstad.organisations.services import organisations_of

bp = Blueprint("main", __name__)


@bp.get("/")
def home():
    return render_template(
        "main/home.html", organisations=organisations_of(current_user), **home_cards(current_user)
    )


@bp.get("/health")
def health():
    return {"status": "ok"}
