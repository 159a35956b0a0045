"""The staff's upload page for an area's vacancy history, its link on the dashboard, who may
use it, and the command for big files."""

import io

import sqlalchemy as sa

from tests.history.conftest import history_csv, line, months_ago
from vrijstad import clock
from vrijstad.dashboard.models import VacancySnapshot
from vrijstad.dashboard.services.snapshots import take_snapshot
from vrijstad.extensions import db
from vrijstad.history import reading, services


def _upload(client, area, data: bytes, filename: str = "historie.csv"):
    return client.post(
        f"/dashboard/areas/{area.id}/history",
        data={"file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def _snapshots() -> int:
    return db.session.scalar(sa.select(sa.func.count(VacancySnapshot.id)))


def test_staff_upload_a_history_and_see_it_in_the_dashboards_trend(client, login, area):
    login(area.test_staff)
    dashboard = client.get(f"/dashboard/areas/{area.id}")
    assert f"/dashboard/areas/{area.id}/history" in dashboard.text
    page = client.get(f"/dashboard/areas/{area.id}/history")
    assert page.status_code == 200 and "Er zijn nog geen maanden geïmporteerd." in page.text
    first = months_ago(30)
    done = _upload(
        client,
        area,
        history_csv(line(first, "Hoogstraat", 40, 4, 4000, 400), line(months_ago(29), "", 50, 5)),
    )
    assert done.status_code == 302
    assert f"from={first:%Y-%m}" in done.location and "tab=vacancy" in done.location
    trend = client.get(done.location)
    assert "2 maanden geïmporteerd" in trend.text
    assert trend.text.count("geïmporteerd</td>") == 2  # the trend's source column
    assert "10,0 %" in trend.text  # 4 of 40 units vacant
    again = client.get(f"/dashboard/areas/{area.id}/history")
    assert "2 maanden zijn geïmporteerd" in again.text


def test_a_bad_file_lists_every_bad_line_and_imports_nothing(client, login, area):
    login(area.test_staff)
    bad = _upload(
        client,
        area,
        history_csv(line(months_ago(3), "Hoogstraat"), line(months_ago(3), "Dorpsstraat", 5, 7)),
    )
    assert bad.status_code == 422
    assert "Er is niets geïmporteerd: 1 regel klopt niet" in bad.text
    assert "<td>3</td>" in bad.text and "7 lege panden is meer dan de 5 panden" in bad.text
    assert _snapshots() == 0
    unreadable = _upload(client, area, b"a;b\n1;2\n")
    assert unreadable.status_code == 422 and "Het bestand mist de kolommen" in unreadable.text
    wrong_kind = _upload(client, area, b"x", "historie.pdf")
    assert wrong_kind.status_code == 422
    broken = _upload(client, area, b"not a workbook", "historie.xlsx")
    assert broken.status_code == 422 and "Excel" in broken.text
    assert _snapshots() == 0


def test_other_organisations_landlords_and_starters_may_not_upload(
    client, login, area, make_org, make_user
):
    data = history_csv(line(months_ago(3), "Hoogstraat"))
    url = f"/dashboard/areas/{area.id}/history"
    assert client.get(url).status_code == 302  # to the login page
    for user in (make_org().test_staff, make_user("landlord"), make_user("starter")):
        login(user)
        assert client.get(url).status_code == 403
        assert _upload(client, area, data).status_code == 403
        client.post("/logout")
    assert _snapshots() == 0


def test_the_command_imports_a_big_file_or_lists_the_bad_lines(runner, area, tmp_path):
    staff = area.test_staff
    lines = [line(months_ago(n), street) for n in range(1, 121) for street in ("Hoogstraat", "")]
    good = tmp_path / "historie.csv"
    good.write_bytes(history_csv(*lines))
    args = ["history", "import", str(good), "--area", str(area.id), "--as", staff.email]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "120 month(s) imported" in result.output
    assert _snapshots() == 240
    again = runner.invoke(args=args)
    assert "240 earlier imported rows replaced" in again.output and _snapshots() == 240
    bad = tmp_path / "fout.csv"
    bad.write_bytes(history_csv(line(months_ago(2), "Nergensstraat")))
    failed = runner.invoke(
        args=["history", "import", str(bad), "--area", str(area.id), "--as", staff.email]
    )
    assert failed.exit_code != 0 and "line 2:" in failed.output and "Nergensstraat" in failed.output
    stranger = runner.invoke(
        args=["history", "import", str(good), "--area", str(area.id), "--as", "x@y.nl"]
    )
    assert stranger.exit_code != 0


def test_the_open_data_tells_imported_months_from_recorded_ones(client, area):
    take_snapshot(area, months_ago(1), clock.today())
    db.session.commit()
    public = client.get(f"/api/v1/areas/{area.id}/vacancy?from={months_ago(3):%Y-%m}")
    assert public.status_code == 200
    assert [(i["period"], i["source"]) for i in public.json["items"]] == [
        (f"{months_ago(1):%Y-%m}", "recorded")
    ]
    parsed = reading.parse("h.csv", history_csv(line(months_ago(3), "", 10, 1, 100, 10)))
    services.import_history(None, area, parsed.lines, parsed.errors)
    db.session.commit()
    items = client.get(f"/api/v1/areas/{area.id}/vacancy?from={months_ago(3):%Y-%m}").json["items"]
    assert [(i["period"], i["source"]) for i in items] == [
        (f"{months_ago(3):%Y-%m}", "imported"),
        (f"{months_ago(1):%Y-%m}", "recorded"),
    ]
