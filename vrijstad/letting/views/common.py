"""The letting blueprint and the labels its templates use."""

from flask import Blueprint

from vrijstad.letting import services

bp = Blueprint("letting", __name__)


@bp.app_context_processor
def letting_labels() -> dict:
    return {
        "head_lease_label": services.head_lease_label,
        "turnover_label": services.turnover_label,
    }
