"""Staff upload the registers and work the hidden-vacancy list; nobody else may; the commands
for big files."""

import io

import openpyxl
import sqlalchemy as sa

from tests.opendata.conftest import DATA, bag_file, bag_lines, kvk_file
from vrijstad.extensions import db
from vrijstad.opendata import services
from vrijstad.opendata.models import BagObject, Establishment
from vrijstad.relations.models import Relation


def _upload(client, organisation, register: str, data: bytes, name: str = "extract.csv"):
    return client.post(
        f"/organisations/{organisation.id}/open-data/{register}",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_staff_upload_both_registers_in_dutch(client, login, make_org, make_unit):
    organisation = make_org()
    make_unit(area=organisation.areas[0], house_number=3, bag_id=None)
    login(organisation.test_staff)
    page = client.get(f"/organisations/{organisation.id}/open-data/bag")
    assert page.status_code == 200 and "BAG-winkelobjecten importeren" in page.text
    done = _upload(client, organisation, "bag", bag_file(), "bag_dijkerveen.csv")
    assert done.status_code == 302
    after = client.get(done.location).text
    assert "4 regels geïmporteerd." in after and "bag_dijkerveen.csv" in after
    assert "Panden gekoppeld" in after
    done = _upload(client, organisation, "kvk", kvk_file())
    assert done.status_code == 302
    assert "2 regels geïmporteerd." in client.get(done.location).text
    assert (_count(BagObject), _count(Establishment)) == (4, 2)


def test_bad_lines_are_listed_and_nothing_is_imported(client, login, make_org):
    organisation = make_org()
    login(organisation.test_staff)
    bad = _upload(
        client,
        organisation,
        "bag",
        bag_lines(
            "12345;Hoogstraat;1;;;7411 KA;Dijkerveen;120;winkelfunctie;x;;",
            "9999010000000002;Hoogstraat;2;;;0411 KA;Dijkerveen;85;winkelfunctie;x;;",
            "9999010000000003;Hoogstraat;3;;;7411 KA;Dijkerveen;ruim;winkelfunctie;x;;",
        ),
    )
    assert bad.status_code == 422
    assert "Er is niets geïmporteerd: 3 regels kloppen niet" in bad.text
    assert "Het BAG-id &#39;12345&#39; is geen 16 cijfers." in bad.text
    assert "De postcode &#39;0411 KA&#39; is geen Nederlandse postcode (1234 AB)." in bad.text
    assert "De oppervlakte &#39;ruim&#39; is geen heel aantal m² van 1 tot 1.000.000." in bad.text
    kvk = _upload(client, organisation, "kvk", b"naam;plaats\nWinkel;Dijkerveen\n")
    assert kvk.status_code == 422 and "Het bestand heeft geen kolom vestigingsnummer" in kvk.text
    outside = _upload(
        client,
        organisation,
        "kvk",
        (DATA / "kvk_dijkerveen.csv").read_bytes().replace(b"Dijkerveen", b"Deventer"),
    )
    assert outside.status_code == 422 and "Geen regel van het bestand ligt" in outside.text
    assert _upload(client, organisation, "bag", b"\xff\xfe", "x.xlsx").status_code == 422
    assert (_count(BagObject), _count(Establishment)) == (0, 0)


def test_the_list_shows_both_kinds_downloads_and_follows_up(client, login, make_org, make_unit):
    organisation = make_org()
    make_unit(area=organisation.areas[0], house_number=3)
    services.import_bag(None, organisation, bag_file())
    services.import_kvk(None, organisation, kvk_file())
    db.session.commit()
    login(organisation.test_staff)
    area_page = client.get(f"/dashboard/areas/{organisation.areas[0].id}").text
    assert f"/organisations/{organisation.id}/hidden-vacancy" in area_page
    page = client.get(f"/organisations/{organisation.id}/hidden-vacancy")
    assert page.status_code == 200
    assert "Geen ingeschreven bedrijf en geen aanbod: waarschijnlijk leeg" in page.text
    assert "Aangeboden, maar Kapsalon Knip staat hier ingeschreven" in page.text
    assert "9999010000000002" in page.text and "85 m²" in page.text
    csv = client.get(f"/organisations/{organisation.id}/hidden-vacancy.csv")
    assert csv.status_code == 200
    assert "Waarom op de lijst" in csv.data.decode("utf-8-sig")
    xlsx = client.get(f"/organisations/{organisation.id}/hidden-vacancy.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.data)).active
    assert sheet.cell(row=2, column=1).value == "Hoogstraat 2"
    assert client.get(f"/organisations/{organisation.id}/hidden-vacancy.pdf").status_code == 404
    followed = client.post(f"/organisations/{organisation.id}/hidden-vacancy/bag-999999")
    assert followed.status_code == 303
    assert "Dit adres staat niet meer op de lijst" in client.get(followed.location).text
    ref = page.text.split("/hidden-vacancy/bag-")[1].split('"')[0]
    followed = client.post(f"/organisations/{organisation.id}/hidden-vacancy/bag-{ref}")
    assert followed.status_code == 303 and "/relations/" in followed.location
    detail = client.get(followed.location).text
    assert "Eigenaar van Hoogstraat 2, Dijkerveen" in detail
    assert "Verborgen leegstand: Hoogstraat 2, Dijkerveen" in detail
    assert _count(Relation) == 1


def test_others_may_not_see_or_import(client, login, make_org, make_user):
    organisation = make_org()
    urls = [
        f"/organisations/{organisation.id}/open-data/bag",
        f"/organisations/{organisation.id}/open-data/kvk",
        f"/organisations/{organisation.id}/hidden-vacancy",
        f"/organisations/{organisation.id}/hidden-vacancy.csv",
    ]
    assert all("/login" in client.get(url).location for url in urls)
    for person in (make_org().test_staff, make_user("landlord"), make_user("starter")):
        login(person)
        assert [client.get(url).status_code for url in urls] == [403] * 4
        assert _upload(client, organisation, "bag", bag_file()).status_code == 403
        followed = client.post(f"/organisations/{organisation.id}/hidden-vacancy/bag-1")
        assert followed.status_code == 403
        client.post("/logout")
    assert _count(BagObject) == 0 and _count(Relation) == 0


def test_the_commands_import_big_files_all_or_nothing(runner, make_org, tmp_path):
    organisation = make_org()
    done = runner.invoke(
        args=[
            "opendata",
            "import-bag",
            str(DATA / "bag_dijkerveen.csv"),
            "--organisation",
            str(organisation.id),
        ]
    )
    assert done.exit_code == 0, done.output
    assert "4 row(s) imported" in done.output and "3 passed over" in done.output
    done = runner.invoke(
        args=[
            "opendata",
            "import-kvk",
            str(DATA / "kvk_dijkerveen.csv"),
            "--organisation",
            str(organisation.id),
            "--as",
            organisation.test_staff.email,
        ]
    )
    assert done.exit_code == 0 and "2 matched" in done.output
    bad = tmp_path / "bad.csv"
    bad.write_bytes(bag_lines("1;Hoogstraat;1;;;7411 KA;Dijkerveen;1;winkelfunctie;x;;"))
    refused = runner.invoke(
        args=["opendata", "import-bag", str(bad), "--organisation", str(organisation.id)]
    )
    assert refused.exit_code == 1
    assert "line 2: Het BAG-id '1' is geen 16 cijfers." in refused.output
    assert _count(BagObject) == 4


def test_a_long_list_shows_its_first_rows_and_downloads_all(client, login, make_org, monkeypatch):
    organisation = make_org()
    services.import_bag(None, organisation, bag_file())
    db.session.commit()
    monkeypatch.setattr("vrijstad.opendata.views.PAGE_ROWS", 2)
    login(organisation.test_staff)
    page = client.get(f"/organisations/{organisation.id}/hidden-vacancy").text
    assert "De eerste 2 van 4 adressen; de download bevat ze allemaal." in page
    assert page.count("Toevoegen aan relaties") == 2
    csv = client.get(f"/organisations/{organisation.id}/hidden-vacancy.csv")
    assert len(csv.data.decode("utf-8-sig").strip().splitlines()) == 5


def test_the_list_warns_while_the_kvk_register_is_missing(client, login, make_org):
    organisation = make_org()
    services.import_bag(None, organisation, bag_file(), "bag.csv")
    db.session.commit()
    login(organisation.test_staff)
    url = f"/organisations/{organisation.id}/hidden-vacancy"
    page = client.get(url).text
    assert "Het KvK-register is nog niet geïmporteerd" in page
    assert "BAG: geïmporteerd op" in page and "uit bag.csv" in page
    services.import_kvk(None, organisation, kvk_file(), "kvk.csv")
    db.session.commit()
    page = client.get(url).text
    assert "Het KvK-register is nog niet geïmporteerd" not in page
    assert "KvK: geïmporteerd op" in page


def test_a_file_that_is_not_text_is_refused_with_the_reason(client, login, make_org):
    organisation = make_org()
    login(organisation.test_staff)
    not_text = bytes(range(256)) * 8  # a binary file: bytes no text encoding reads
    for register in ("bag", "kvk"):
        answer = _upload(client, organisation, register, not_text, "extract.csv")
        assert answer.status_code == 422, register
        assert "Dit is geen CSV-bestand" in answer.text
    assert (_count(BagObject), _count(Establishment)) == (0, 0)
