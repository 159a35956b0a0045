"""flask backup / restore: a restored backup holds the same data and photos; bad archives are
refused before anything is overwritten."""

import io
import tarfile
from pathlib import Path

import pytest
import sqlalchemy as sa
from PIL import Image

from vrijstad.auth.models import User
from vrijstad.extensions import db
from vrijstad.units import photos
from vrijstad.units.models import Unit


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 200)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def sqlite_only(app):
    if db.engine.url.get_backend_name() != "sqlite":
        pytest.skip("backup/restore covers the SQLite file; PostgreSQL uses pg_dump")


def test_restore_brings_back_the_data_and_photos(
    ctx, app, runner, sqlite_only, make_unit, make_user, tmp_path
):
    unit = make_unit(street="Bakkerstraat")
    photo = photos.add_photo(unit.owner, unit, png())
    db.session.commit()
    unit_id, photo_file = unit.id, Path(app.config["UPLOAD_DIR"]) / "units" / str(unit.id)
    files = sorted([photo.filename, photo.thumbnail])
    assert any(photo_file.iterdir())
    target = tmp_path / "vrijstad-backup.tar.gz"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    # Life goes on after the backup: an edit, a new account, a lost upload folder.
    unit.street = "Verkeerde Straat"
    make_user("starter", email="later@example.nl")
    db.session.commit()
    for path in photo_file.iterdir():
        path.unlink()
    refused = runner.invoke(args=["restore", str(target)])
    assert refused.exit_code != 0 and "--yes" in refused.output
    assert db.session.get(Unit, unit_id).street == "Verkeerde Straat"  # untouched
    result = runner.invoke(args=["restore", "--yes", str(target)])
    assert result.exit_code == 0, result.output
    db.session.remove()
    assert db.session.get(Unit, unit_id).street == "Bakkerstraat"
    assert db.session.scalar(sa.select(User).where(User.email == "later@example.nl")) is None
    assert sorted(p.name for p in photo_file.iterdir()) == files


def test_archives_with_path_tricks_or_garbage_are_refused(
    ctx, runner, sqlite_only, make_user, tmp_path
):
    user_id = make_user("landlord", email="blijft@example.nl").id
    evil = tmp_path / "evil.tar.gz"
    with tarfile.open(evil, "w:gz") as archive:
        for name, data in (("manifest.json", b"{}"), ("vrijstad.db", b""), ("../../etc/x", b"x")):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    result = runner.invoke(args=["restore", "--yes", str(evil)])
    assert result.exit_code != 0 and "unexpected entry" in result.output
    garbage = tmp_path / "garbage.tar.gz"
    garbage.write_bytes(b"not a tar file at all")
    result = runner.invoke(args=["restore", "--yes", str(garbage)])
    assert result.exit_code != 0 and "cannot be read" in result.output
    db.session.remove()
    assert db.session.get(User, user_id).email == "blijft@example.nl"


def test_postgresql_is_pointed_to_pg_dump(ctx, runner, tmp_path):
    if db.engine.url.get_backend_name() == "sqlite":
        pytest.skip("on SQLite the backup itself is tested above")
    result = runner.invoke(args=["backup", str(tmp_path / "b.tar.gz")])
    assert result.exit_code != 0 and "pg_dump" in result.output
    assert not (tmp_path / "b.tar.gz").exists()
