"""The staff's "Te doen" page and the count beside it in the navigation."""

from flask import Blueprint, render_template, request
from flask_babel.speaklater import LazyString
from flask_login import current_user, login_required

from vrijstad import clock
from vrijstad.forms import requested_page
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.loaders import allow
from vrijstad.organisations.services import organisations_of
from vrijstad.todo.services import page_of, task_count, tasks_of

bp = Blueprint("todo", __name__)

#: What each group of tasks (the feature of its kind) is called on the list.
GROUP_LABELS: dict[str, LazyString] = {
    "applications": _l("Applications"),
    "billing": _l("Invoices and settlements"),
    "bylaw": _l("Vacancy bylaw"),
    "contests": _l("Contests"),
    "forecast": _l("Vacancy outlook"),
    "letting": _l("Turnover reports"),
    "payments": _l("Payments"),
    "subsidies": _l("Subsidies"),
}


@bp.get("/todo")
@login_required
def index():
    allow(current_user.is_admin or bool(organisations_of(current_user)))
    tasks = tasks_of(current_user, clock.today())
    todo = page_of(tasks, requested_page(), request.args.get("kind") or None)
    return render_template("todo/index.html", todo=todo)


@bp.app_context_processor
def todo_context() -> dict:
    def count() -> int:
        if not current_user.is_authenticated:
            return 0
        return task_count(current_user, clock.today())

    def group_label(group: str) -> str:
        return str(GROUP_LABELS.get(group, group))

    return {"open_task_count": count, "task_group_label": group_label}
