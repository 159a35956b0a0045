"""Unit photos: checked by content, re-encoded without metadata, with thumbnails."""

import io
import uuid
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from vrijstad.audit.services import record_event
from vrijstad.auth.models import User
from vrijstad.extensions import db
from vrijstad.units.models import Unit, UnitPhoto
from vrijstad.units.services import UnitError, can_edit

MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PHOTOS = 12
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}
MAX_EDGE = 2400
THUMB_EDGE = 480
Image.MAX_IMAGE_PIXELS = 60_000_000  # refuse decompression bombs early


class PhotoTooLarge(UnitError):
    """A photo over the size limit (shown as a 413 page)."""


def photo_dir(unit_id: int) -> Path:
    return Path(current_app.config["UPLOAD_DIR"]) / "units" / str(unit_id)


def _encode(image: Image.Image, edge: int) -> tuple[bytes, tuple[int, int]]:
    """JPEG bytes (no EXIF or other metadata) of the image scaled to fit edge × edge."""
    copy = image.copy()
    copy.thumbnail((edge, edge))
    out = io.BytesIO()
    copy.save(out, "JPEG", quality=85, optimize=True, progressive=True)
    return out.getvalue(), copy.size


def add_photo(actor: User, unit: Unit, data: bytes) -> UnitPhoto:
    """Store a photo: refuse non-images and oversize files; strip metadata by re-encoding."""
    if not can_edit(actor, unit):
        raise UnitError(_("You may not change this unit."))
    if len(data) > MAX_PHOTO_BYTES:
        raise PhotoTooLarge(_("A photo may be at most 10 MB."), "photo")
    if len(unit.photos) >= MAX_PHOTOS:
        raise UnitError(_("A unit can have at most %(n)d photos.", n=MAX_PHOTOS), "photo")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ALLOWED_FORMATS:
                raise UnitError(_("Upload a JPEG, PNG or WebP photo."), "photo")
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image = ImageOps.exif_transpose(image).convert("RGB")
            full, (width, height) = _encode(image, MAX_EDGE)
            thumb, _size = _encode(image, THUMB_EDGE)
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise UnitError(_("This file is not a photo we can read."), "photo") from exc
    folder = photo_dir(unit.id)
    folder.mkdir(parents=True, exist_ok=True)
    stem = uuid.uuid4().hex
    (folder / f"{stem}.jpg").write_bytes(full)
    (folder / f"{stem}-thumb.jpg").write_bytes(thumb)
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
    unit = photo.unit
    if not can_edit(actor, unit):
        raise UnitError(_("You may not change this unit."))
    folder = photo_dir(unit.id)
    unit.photos.remove(photo)
    for index, remaining in enumerate(unit.photos):
        remaining.position = index
    db.session.flush()
    for name in (photo.filename, photo.thumbnail):
        (folder / name).unlink(missing_ok=True)
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
