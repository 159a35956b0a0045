"""Unit photos: checked by content, re-encoded without metadata, with thumbnails."""

import io
import uuid

from PIL import Image
from werkzeug.wrappers import Response

from vrijstad import images
from vrijstad.audit.services import record_event
from vrijstad.auth.models import User
from vrijstad.extensions import db
from vrijstad.i18n import gettext as _
from vrijstad.storage import StorageError, delete_after_commit, get_storage, put_in_transaction
from vrijstad.units.models import Unit, UnitPhoto
from vrijstad.units.services import UnitError, can_edit

MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PHOTOS = 12
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}
MAX_EDGE = 2400
THUMB_EDGE = 480


class PhotoTooLarge(UnitError):
    """A photo over the size limit (shown as a 413 page)."""


def photo_key(unit_id: int, filename: str) -> str:
    """The storage key of a unit's photo or thumbnail file."""
    return f"units/{unit_id}/{filename}"


def send_photo(unit_id: int, filename: str) -> Response:
    """The photo file (locally) or a redirect to a short-lived link (object storage).

    Raises FileNotFoundError for a name that is not a stored photo of the unit.
    """
    try:
        key = photo_key(unit_id, filename)
        return get_storage().send(key, filename, "image/jpeg")
    except ValueError as exc:
        raise FileNotFoundError(filename) from exc


def _encode(image: Image.Image, edge: int) -> tuple[bytes, tuple[int, int]]:
    """JPEG bytes (no EXIF or other metadata) of the image scaled to fit edge × edge."""
    copy = image.copy()
    copy.thumbnail((edge, edge))
    out = io.BytesIO()
    copy.save(out, "JPEG", quality=85, optimize=True, progressive=True)
    return out.getvalue(), copy.size


def add_photo(actor: User, unit: Unit, data: bytes) -> UnitPhoto:
    """Store a photo: refuse non-images, oversize files and too many pixels (decoding within
    the memory budget of vrijstad.images); strip metadata by re-encoding."""
    if not can_edit(actor, unit):
        raise UnitError(_("You may not change this unit."))
    if len(data) > MAX_PHOTO_BYTES:
        raise PhotoTooLarge(_("A photo may be at most 10 MB."), "photo")
    if len(unit.photos) >= MAX_PHOTOS:
        raise UnitError(_("A unit can have at most %(n)d photos.", n=MAX_PHOTOS), "photo")
    try:
        image = images.reduced(data, ALLOWED_FORMATS, MAX_EDGE)
    except images.ImageRefused as exc:
        raise UnitError(str(exc), "photo") from exc
    full, (width, height) = _encode(image, MAX_EDGE)
    thumb, _size = _encode(image, THUMB_EDGE)
    stem = uuid.uuid4().hex
    try:
        # A rollback (this photo refused later, or the next one failing) removes both files.
        put_in_transaction(photo_key(unit.id, f"{stem}.jpg"), full, "image/jpeg")
        put_in_transaction(photo_key(unit.id, f"{stem}-thumb.jpg"), thumb, "image/jpeg")
    except StorageError as exc:
        raise UnitError(
            _("Photo storage cannot be reached right now. Nothing was saved; try again later."),
            "photo",
        ) from exc
    position = max((p.position for p in unit.photos), default=-1) + 1
    photo = UnitPhoto(
        unit=unit,
        position=position,
        filename=f"{stem}.jpg",
        thumbnail=f"{stem}-thumb.jpg",
        width=width,
        height=height,
    )
    db.session.add(photo)
    db.session.flush()
    record_event(actor, "unit.photo_added", unit, photo=photo.id)
    return photo


def delete_photo(actor: User, photo: UnitPhoto) -> None:
    """Remove a photo; its files go once the deletion is committed."""
    unit = photo.unit
    if not can_edit(actor, unit):
        raise UnitError(_("You may not change this unit."))
    unit.photos.remove(photo)
    for index, remaining in enumerate(unit.photos):
        remaining.position = index
    db.session.flush()
    for name in (photo.filename, photo.thumbnail):
        delete_after_commit(photo_key(unit.id, name))
    record_event(actor, "unit.photo_deleted", unit)


def move_photo(actor: User, photo: UnitPhoto, offset: int) -> None:
    """Move a photo one place earlier (-1) or later (+1); the first photo is the cover."""
    unit = photo.unit
    if not can_edit(actor, unit):
        raise UnitError(_("You may not change this unit."))
    photos = list(unit.photos)
    index = photos.index(photo)
    target = index + offset
    if 0 <= target < len(photos):
        photos[index], photos[target] = photos[target], photos[index]
        for position, item in enumerate(photos):
            item.position = position
        db.session.flush()
