"""Photos are decoded within a memory budget: a small file with a huge picture (10,900² px in
346 KB, or a decompression bomb) is refused from its header, a large real photo still fits,
and a process decodes one photo at a time. Each upload runs in a subprocess whose peak
memory (ru_maxrss) is measured around it."""

import io
import json
import struct
import subprocess
import sys
import textwrap
import threading
import zlib

from PIL import Image

from tests.conftest import PASSWORD
from vrijstad import images
from vrijstad.extensions import db

MB = 1024 * 1024

#: Runs in a subprocess: the app on the test database, logged-in uploads one after the other,
#: and how far each raised the process's peak memory (so the smallest go first). The app itself
#: takes 200-330 MB before any upload, depending on the machine: the uploads' growth is measured.
UPLOADS = textwrap.dedent("""
    import io, json, resource, sys
    from vrijstad import create_app
    from vrijstad.extensions import limiter

    config, email, password, unit_id, paths = json.loads(sys.argv[1])
    app = create_app("testing", WTF_CSRF_ENABLED=False, **config)
    client = app.test_client()
    limiter.enabled = False
    assert client.post("/login", data={"email": email, "password": password}).status_code == 302
    client.get(f"/units/{unit_id}")  # everything a request loads is loaded before measuring
    for path in paths:
        with open(path, "rb") as file:
            data = file.read()
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        answer = client.post(f"/units/{unit_id}/photos",
                             data={"photo": (io.BytesIO(data), "p.png")},
                             content_type="multipart/form-data", follow_redirects=True)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(json.dumps({"status": answer.status_code, "text": answer.text,
                          "grown_kb": peak - before, "peak_kb": peak}))
""")


def png(width: int, height: int, colour_type: int = 2, depth: int = 8, channels: int = 3) -> bytes:
    """A single-colour PNG written row block by row block: its pixels are never in memory."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        checksum = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + checksum

    row = b"\0" + bytes((width * channels * depth + 7) // 8)  # filter byte, then black pixels
    per_block = max(1, 8 * MB // len(row))
    compressor = zlib.compressobj(6)
    blocks, rest = divmod(height, per_block)
    parts = [compressor.compress(row * per_block) for _ in range(blocks)]
    parts += [compressor.compress(row * rest), compressor.flush()]
    header = struct.pack(">IIBBBBB", width, height, depth, colour_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", b"".join(parts))
        + chunk(b"IEND", b"")
    )


def uploads_in_subprocess(app, tmp_path, unit, files: list[bytes]) -> list[dict]:
    paths = []
    for index, data in enumerate(files):
        paths.append(tmp_path / f"upload-{index}")
        paths[-1].write_bytes(data)
    config = {
        key: app.config[key]
        for key in ("SQLALCHEMY_DATABASE_URI", "UPLOAD_DIR", "OUTBOX_DIR", "JOB_DIR")
    }
    arguments = json.dumps([config, unit.owner.email, PASSWORD, unit.id, [str(p) for p in paths]])
    done = subprocess.run(
        [sys.executable, "-c", UPLOADS, arguments],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]


def test_huge_pictures_in_small_files_are_refused_and_real_photos_fit(app, tmp_path, make_unit):
    """A 10,900 × 10,900 px single-colour PNG (346 KB; 1.5 GB when it was decoded in full)
    and a 30,000² px 1-bit decompression bomb are refused from their headers; a 24-megapixel
    camera JPEG is still taken, decoded at half scale and stored at 2400 px."""
    camera = io.BytesIO()
    Image.new("RGB", (6000, 4000), (180, 90, 40)).save(camera, "JPEG", quality=90)
    huge, bomb = png(10_900, 10_900), png(30_000, 30_000, colour_type=0, depth=1, channels=1)
    assert len(huge) < MB and len(bomb) < MB  # small files: only their pixels are large
    unit = make_unit()
    refused_huge, refused_bomb, taken = uploads_in_subprocess(
        app, tmp_path, unit, [huge, bomb, camera.getvalue()]
    )
    for name, outcome in (("10,900² PNG", refused_huge), ("bomb", refused_bomb)):
        assert "meer dan 40 megapixels" in outcome["text"], name
        assert outcome["grown_kb"] < 30 * 1024, f"{name}: +{outcome['grown_kb'] // 1024} MB"
    assert "Foto toegevoegd" in taken["text"]
    assert taken["grown_kb"] < 60 * 1024, f"+{taken['grown_kb'] // 1024} MB"  # in full: 96 MB
    db.session.refresh(unit)
    [photo] = unit.photos
    assert (photo.width, photo.height) == (2400, 1600)


def test_one_photo_at_a_time_is_decoded_and_a_waiting_one_is_told_to_retry(app, monkeypatch):
    """While the process's decoding slot is taken, another upload waits, then gets a message."""
    monkeypatch.setattr(images, "DECODE_WAIT", 0.2)
    small = png(64, 48)
    outcome = {}

    def decode() -> None:
        with app.test_request_context():
            try:
                images.reduced(small, {"PNG"}, 100)
            except images.ImagesBusy as exc:
                outcome["refused"] = str(exc)

    with images.decode_slot():
        waiting = threading.Thread(target=decode)
        waiting.start()
        waiting.join()
    assert "veel foto's" in outcome["refused"]
    decode()  # the slot is free again
    assert len(outcome) == 1
