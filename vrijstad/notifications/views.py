"""The in-app notification list and the unread count in the navigation."""

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user, login_required

from vrijstad.extensions import db
from vrijstad.forms import ButtonForm, requested_page
from vrijstad.loaders import load
from vrijstad.notifications import services
from vrijstad.notifications.models import Notification
from vrijstad.web import commit

bp = Blueprint("notifications", __name__)


@bp.get("/notifications")
@login_required
def index():
    page = db.paginate(services.notifications_of(current_user), page=requested_page(), per_page=30)
    return render_template(
        "notifications/index.html", page=page, button=ButtonForm(), text=services.notification_text
    )


@bp.post("/notifications/<int:notification_id>/open")
@login_required
def open_one(notification_id: int):
    notification = load(Notification, notification_id, lambda user, n: n.user_id == user.id)
    if not ButtonForm().validate_on_submit():
        abort(404)
    commit(lambda: services.mark_read(current_user, notification.id))
    # Stored URLs are our own paths (url_for at creation); never follow anything else.
    url = notification.url or ""
    if not url.startswith("/") or url.startswith("//"):
        url = url_for("notifications.index")
    return redirect(url)


@bp.post("/notifications/read")
@login_required
def read_all():
    if ButtonForm().validate_on_submit():
        commit(lambda: services.mark_read(current_user))
    return redirect(url_for("notifications.index"))


@bp.app_context_processor
def unread() -> dict:
    def count() -> int:
        if not current_user.is_authenticated:
            return 0
        return services.unread_count(current_user)

    return {"unread_notifications": count}
