"""Uploaded images decoded within a memory budget.

An image's pixels, not its file, decide the memory it takes: a 338 KB single-colour PNG of
10,900 × 10,900 px decodes to 356 MB as RGB, and each copy costs as much again. So:

- the size in the header is checked before anything is decoded (Pillow reads only the header
  when it opens a file): more than MAX_PIXELS is refused, and Pillow's own decompression-bomb
  limit is the same number;
- a JPEG is decoded at a reduced scale (1/2, 1/4 or 1/8, Pillow's draft), no larger than needed;
- any other image is decoded once and reduced in place before anything else copies it;
- at most DECODE_SLOTS images are decoded at once in a process; a request that finds them
  taken waits up to DECODE_WAIT seconds, then is told to try again.

At 40 megapixels the worst case, an RGBA PNG, takes 160 MB decoded plus 120 MB as RGB.
"""

import io
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

from PIL import Image, ImageOps, UnidentifiedImageError

from vrijstad.i18n import gettext as _

MAX_PIXELS = 40_000_000
DECODE_SLOTS = 1
DECODE_WAIT = 20  # seconds

# Pillow warns above MAX_IMAGE_PIXELS and refuses above twice that; we refuse above it.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
warnings.filterwarnings("error", category=Image.DecompressionBombWarning)

_slots = threading.BoundedSemaphore(DECODE_SLOTS)


class ImageRefused(ValueError):
    """An upload that is no image we can read, or one too large to decode."""


class ImagesBusy(ImageRefused):
    """All decoding slots of this process stayed taken for DECODE_WAIT seconds."""


@contextmanager
def decode_slot() -> Iterator[None]:
    """Hold one of the process's decoding slots."""
    if not _slots.acquire(timeout=DECODE_WAIT):
        raise ImagesBusy(_("Many photos are being processed right now. Try again in a minute."))
    try:
        yield
    finally:
        _slots.release()


def reduced(data: bytes, formats: set[str], edge: int) -> Image.Image:
    """The image in data as RGB, upright (EXIF orientation applied) and scaled to fit
    edge × edge, decoded within the budget above.

    Raises ImageRefused for a file that is not an image of one of formats, is damaged, or has
    more than MAX_PIXELS pixels; ImagesBusy when no decoding slot came free.
    """
    try:
        with Image.open(io.BytesIO(data)) as probe:  # the header only
            if probe.format not in formats:
                raise ImageRefused(_("Upload a JPEG, PNG or WebP photo."))
            probe.verify()
        with decode_slot(), Image.open(io.BytesIO(data)) as opened:
            opened.draft("RGB", (edge, edge))  # JPEG: decoded at the smallest scale ≥ edge
            image: Image.Image = opened
            if image.mode not in ("RGB", "L"):
                image = image.convert("RGB")  # alpha, palette, CMYK: one copy, 3 bytes a pixel
            image.thumbnail((edge, edge))  # in place: the full-size pixels are let go
            return ImageOps.exif_transpose(image).convert("RGB")
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageRefused(
            _(
                "This photo has more than %(mp)d megapixels. Save it smaller and upload it again.",
                mp=MAX_PIXELS // 10**6,
            )
        ) from exc
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise ImageRefused(_("This file is not a photo we can read.")) from exc
