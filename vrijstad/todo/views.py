"""The staff's "Te doen" page and the count beside it in the navigation."""

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from vrijstad import clock
from vrijstad.loaders import allow
from vrijstad.organisations.services import organisations_of
from vrijstad.todo.services import task_count, tasks_of

bp = Blueprint("todo", __name__)


@bp.get("/todo")
@login_required
def index():
    allow(current_user.is_admin or bool(organisations_of(current_user)))
    return render_template("todo/index.html", tasks=tasks_of(current_user, clock.today()))


@bp.app_context_processor
def todo_context() -> dict:
    def count() -> int:
        if not current_user.is_authenticated:
            return 0
        return task_count(current_user, clock.today())

    return {"open_task_count": count}
