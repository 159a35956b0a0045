"""Unit imports as a background job: the upload is stored, the job checks and imports it."""

import json
import uuid

from vrijstad import exports, jobs
from vrijstad.auth.models import User
from vrijstad.extensions import db
from vrijstad.i18n import gettext as _
from vrijstad.i18n import ngettext
from vrijstad.organisations.models import Organisation
from vrijstad.storage import get_storage, put_in_transaction
from vrijstad.units import importer

UPLOAD_TYPES = {"csv": "text/csv", "xlsx": exports.CONTENT_TYPES["xlsx"]}


def new_token() -> str:
    return uuid.uuid4().hex


def valid_token(token: str) -> bool:
    return len(token) == 32 and all(c in "0123456789abcdef" for c in token)


def upload_key(organisation_id: int, token: str, filename: str) -> str:
    return f"imports/units/{organisation_id}/{token}.{_kind(filename)}"


def outcome_key(organisation_id: int, token: str) -> str:
    return f"imports/units/{organisation_id}/{token}.json"


def _kind(filename: str) -> str:
    kind = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    return kind if kind in UPLOAD_TYPES else "bin"


def store_upload(organisation_id: int, filename: str, data: bytes) -> str:
    """Keep an upload for the import job (removed if the transaction rolls back); its token."""
    token = new_token()
    key = upload_key(organisation_id, token, filename)
    put_in_transaction(key, data, UPLOAD_TYPES.get(_kind(filename), "application/octet-stream"))
    return token


def save_outcome(organisation_id: int, token: str, outcome: dict) -> None:
    get_storage().put(
        outcome_key(organisation_id, token), json.dumps(outcome).encode(), "application/json"
    )


def load_outcome(organisation_id: int, token: str) -> dict | None:
    """What an import job found: {"imported": n}, or {"errors": [[line, column, reason], …]}
    with perhaps "file_error" (the file could not be read at all)."""
    try:
        return json.loads(get_storage().get(outcome_key(organisation_id, token)))
    except FileNotFoundError:
        return None


def import_file(
    actor_id: int, organisation_id: int, token: str, filename: str, result_url: str, locale: str
) -> dict:
    """The import job: every row is checked first; all units are created, or none."""
    with jobs.as_user(locale):
        outcome = jobs.once("import", _import, actor_id, organisation_id, token, filename)
        get_storage().delete(upload_key(organisation_id, token, filename))
        return {"url": result_url, "label": outcome_text(outcome)}


def outcome_text(outcome: dict) -> str:
    if "imported" in outcome:
        n = outcome["imported"]
        return ngettext("%(num)d unit imported.", "%(num)d units imported.", n)
    if outcome.get("file_error"):
        return _("Nothing was imported: the file could not be read.")
    return ngettext(
        "Nothing was imported: %(num)d problem was found.",
        "Nothing was imported: %(num)d problems were found.",
        len(outcome["errors"]),
    )


def _import(actor_id: int, organisation_id: int, token: str, filename: str) -> dict:
    """Read, check and import; the outcome is stored before the units are committed, so a
    retry after a failed commit overwrites it and one after a commit finds the units there."""
    actor = db.session.get(User, actor_id)
    organisation = db.session.get(Organisation, organisation_id)
    if actor is None or organisation is None:
        raise importer.ImportFileError(_("This import can no longer be done."))
    jobs.set_progress(0, _("Reading the file"))
    data = get_storage().get(upload_key(organisation_id, token, filename))
    try:
        rows = importer.read_rows(filename, data)
    except importer.ImportFileError as exc:
        outcome: dict = {"errors": [], "file_error": str(exc)}
    else:
        result = importer.import_units(actor, organisation, rows)
        if result.errors:
            outcome = {"errors": [[e.line, e.column, e.message] for e in result.errors]}
        else:
            outcome = {"imported": len(result.units)}
    save_outcome(organisation_id, token, outcome)
    if "imported" in outcome:
        db.session.commit()
    else:
        db.session.rollback()
    return outcome
