"""Photos of the units on offer: a drawn shop front in a few colours with the address, stored
through the same photo service as an upload (so each has its thumbnail)."""

import io

from PIL import Image, ImageDraw, ImageFont

from vrijstad.demo.base import Demo
from vrijstad.units import photos
from vrijstad.units.models import PUBLIC_STATUSES, Unit

WIDTH, HEIGHT = 640, 420
#: (facade, frame and door, awning) per shop front.
PALETTES = [
    ((196, 98, 66), (246, 236, 218), (42, 87, 84)),
    ((232, 220, 196), (64, 76, 96), (184, 52, 52)),
    ((118, 134, 110), (240, 232, 214), (214, 150, 52)),
    ((86, 104, 138), (236, 230, 220), (210, 112, 88)),
    ((214, 176, 132), (80, 58, 44), (46, 110, 140)),
    ((168, 72, 72), (242, 238, 228), (64, 64, 64)),
]
SKY = (214, 230, 240)
STREET = (150, 150, 146)
GLASS = (170, 198, 208)


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    return ImageFont.load_default(size=size)


def shop_front(unit: Unit, variant: int) -> bytes:
    """A simple drawing of the unit's shop front, as a JPEG."""
    facade, frame, awning = PALETTES[variant % len(PALETTES)]
    image = Image.new("RGB", (WIDTH, HEIGHT), SKY)
    draw = ImageDraw.Draw(image)
    draw.rectangle((60, 40, WIDTH - 60, HEIGHT - 50), fill=facade)
    for x in (110, 280, 450):  # the upper floor's windows
        draw.rectangle((x, 70, x + 80, 150), fill=frame)
        draw.rectangle((x + 8, 78, x + 72, 142), fill=GLASS)
    draw.rectangle((80, 175, WIDTH - 80, 215), fill=frame)  # the sign board
    label = f"{unit.street} {unit.house_number}"
    draw.text((WIDTH // 2, 195), label, fill=facade, font=_font(26), anchor="mm")
    stripes = 10
    step = (WIDTH - 160) // stripes
    for i in range(stripes):  # a striped awning
        colour = awning if i % 2 == 0 else frame
        draw.polygon(
            [
                (80 + i * step, 220),
                (80 + (i + 1) * step, 220),
                (88 + (i + 1) * step, 250),
                (88 + i * step, 250),
            ],
            fill=colour,
        )
    draw.rectangle((90, 255, 400, HEIGHT - 60), fill=frame)  # the shop window
    draw.rectangle((100, 265, 390, HEIGHT - 70), fill=GLASS)
    draw.rectangle((440, 255, 540, HEIGHT - 50), fill=frame)  # the door
    draw.rectangle((452, 267, 528, HEIGHT - 62), fill=awning)
    draw.text((245, 320), "TE HUUR", fill=awning, font=_font(30), anchor="mm")
    draw.rectangle((0, HEIGHT - 50, WIDTH, HEIGHT), fill=STREET)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def add_photos(demo: Demo) -> None:
    """One or two photos for every unit on offer, added by its owner."""
    offered = [u for units in demo.units.values() for u in units if u.status in PUBLIC_STATUSES]
    for n, unit in enumerate(offered):
        for variant in range(1 + n % 2):
            photos.add_photo(unit.landlord, unit, shop_front(unit, n + variant * 3))
