"""Backfilling an area's monthly snapshots from a historic vacancy file: what lands, what is
replaced, what is never touched, and every kind of bad line named with its number."""

import io

import openpyxl
import pytest
import sqlalchemy as sa

from tests.history.conftest import HEADER, history_csv, line, months_ago
from vrijstad import clock
from vrijstad.dashboard.models import SnapshotSource, VacancySnapshot
from vrijstad.dashboard.services.periods import Period
from vrijstad.dashboard.services.snapshots import take_snapshot
from vrijstad.dashboard.services.trend import trend_rows
from vrijstad.extensions import db
from vrijstad.history import reading, services


def run(area, data: bytes, filename: str = "historie.csv"):
    parsed = reading.parse(filename, data)
    done = services.import_history(None, area, parsed.lines, parsed.errors)
    db.session.commit()
    return done


def refused(area, data: bytes) -> dict[int, str]:
    """The bad lines (number → reason) of a file that must be refused as a whole."""
    parsed = reading.parse("historie.csv", data)
    with pytest.raises(services.HistoryError) as caught:
        services.import_history(None, area, parsed.lines, parsed.errors)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(VacancySnapshot.id))) == 0
    return {error.line: error.message for error in caught.value.errors}


def rows_of(area, street_key: str = "") -> dict:
    return {
        row.period: row
        for row in db.session.scalars(
            sa.select(VacancySnapshot).where(
                VacancySnapshot.area_id == area.id, VacancySnapshot.street_key == street_key
            )
        )
    }


def test_street_lines_make_the_whole_area_their_sum(area):
    first, second = months_ago(14), months_ago(13)
    done = run(
        area,
        history_csv(
            line(first, "Hoogstraat", 10, 2, 1000, 200),
            line(first, "kerkstraat", 6, 3, 600, 300, (1, 1, 1), (100, 100, 100)),
            line(second, "Hoogstraat", 10, 1, 1000, 100),
        ),
    )
    assert (done.months, done.rows, done.first, done.last) == (2, 5, first, second)
    whole = rows_of(area)
    assert whole[first].units_total == 16 and whole[first].units_vacant == 5
    assert whole[first].floor_area_vacant_m2 == 500
    assert (whole[first].frictional_units, whole[first].structural_m2) == (3, 100)
    assert whole[second].units_total == 10
    assert all(row.source == SnapshotSource.IMPORTED for row in whole.values())
    assert whole[first].reference_date == clock.month_end(first)
    # The street keeps the area's own spelling and its link to the registered street.
    kerk = rows_of(area, "kerkstraat")[first]
    registered = next(street for street in area.streets if street.name == "Kerkstraat")
    assert kerk.street == "Kerkstraat" and kerk.street_id == registered.id


def test_a_street_only_a_unit_names_is_known(area):
    run(area, history_csv(line(months_ago(5), "MOLENSTRAAT", 4, 1, 400, 100)))
    row = rows_of(area, "molenstraat")[months_ago(5)]
    assert row.street == "Molenstraat" and row.street_id is None


def test_a_whole_area_line_is_kept_and_its_streets_may_not_add_up_to_more(area):
    month = months_ago(20)
    run(
        area,
        history_csv(
            line(month, "", 30, 4, 3000, 400),
            line(month, "Hoogstraat", 10, 2, 1000, 200),
        ),
    )
    assert rows_of(area)[month].units_total == 30
    db.session.execute(sa.delete(VacancySnapshot))
    db.session.commit()
    errors = refused(
        area,
        history_csv(
            line(month, "", 8, 1, 3000, 100),
            line(month, "Hoogstraat", 10, 2, 1000, 200),
        ),
    )
    assert list(errors) == [2]
    assert "10 panden tegen 8, 2 lege panden tegen 1, 200 lege m² tegen 100" in errors[2]


def test_importing_months_again_replaces_them_without_doubling(area):
    kept, again = months_ago(30), months_ago(29)
    run(area, history_csv(line(kept, "Hoogstraat"), line(again, "Hoogstraat", 10, 2)))
    done = run(area, history_csv(line(again, "Hoogstraat", 12, 5, 1200, 500)))
    assert done.replaced == 2  # the month's whole-area row and its street row
    whole = rows_of(area)
    assert set(whole) == {kept, again}
    assert whole[again].units_total == 12 and whole[again].units_vacant == 5
    assert whole[kept].units_total == 10
    assert db.session.scalar(sa.select(sa.func.count(VacancySnapshot.id))) == 4


def test_recorded_months_are_never_touched(area):
    today = clock.today()
    recorded = months_ago(1)
    take_snapshot(area, recorded, today)
    db.session.commit()
    before = {(r.street_key, r.units_total, r.taken_at) for r in rows_of(area).values()}
    errors = refused_keeping(area, history_csv(line(months_ago(3)), line(recorded)))
    assert list(errors) == [3]
    assert f"Vrijstad heeft {recorded:%Y-%m} zelf vastgelegd" in errors[3]
    run(area, history_csv(line(months_ago(3)), line(months_ago(2))))
    after = rows_of(area)
    assert after[recorded].source == SnapshotSource.RECORDED
    assert {(r.street_key, r.units_total, r.taken_at) for r in [after[recorded]]} <= before
    assert after[months_ago(3)].source == SnapshotSource.IMPORTED


def refused_keeping(area, data: bytes) -> dict[int, str]:
    """As refused(), for an area that has recorded snapshots already."""
    parsed = reading.parse("historie.csv", data)
    with pytest.raises(services.HistoryError) as caught:
        services.import_history(None, area, parsed.lines, parsed.errors)
    db.session.rollback()
    return {error.line: error.message for error in caught.value.errors}


def test_recording_a_month_replaces_what_was_imported_for_it(area, make_unit):
    month = months_ago(1)
    run(area, history_csv(line(month, "Hoogstraat", 99, 9, 9900, 900)))
    make_unit(area=area, street="Hoogstraat")
    assert take_snapshot(area, month, clock.today()) > 0
    db.session.commit()
    row = rows_of(area)[month]
    assert row.source == SnapshotSource.RECORDED and row.units_total == 2


def test_every_kind_of_bad_line_is_named_with_its_number_and_nothing_is_imported(area):
    good = months_ago(6)
    errors = refused(
        area,
        history_csv(
            line(good, "Hoogstraat"),  # 2: fine
            line(clock.add_months(months_ago(0), 2), "Hoogstraat"),  # 3: future
            line(months_ago(0), "Hoogstraat"),  # 4: this month
            line(good, "Kerkstraat", 5, 6, 500, 100, (6, 0, 0)),  # 5: vacant > total
            line(good, "Molenstraat", 5, 2, 500, 600, class_m2=(600, 0, 0)),  # 6: m² > total
            line(months_ago(7), "Hoogstraat", 10, 3, 1000, 300, (1, 1, 0)),  # 7: classes
            line(months_ago(8), "Hoogstraat", 10, 3, 1000, 300, class_m2=(100, 100, 0)),  # 8
            line(good, "Dorpsstraat"),  # 9: unknown street
            line(good, "hoogstraat "),  # 10: duplicate of line 2
            line("maart 2024", "Hoogstraat"),  # 11: not a month
            "2024-03;Hoogstraat;tien;2;1000;200;2;0;0;200;0;0",  # 12: not a number
            line("1999-12", "Hoogstraat"),  # 13: before the dashboard's first year
            line(months_ago(9), "Hoogstraat", 100_001, 0),  # 14: no street has so many
        ),
    )
    assert sorted(errors) == list(range(3, 15))
    assert "ligt in de toekomst" in errors[3]
    assert "is deze maand" in errors[4]
    assert "6 lege panden is meer dan de 5 panden in totaal" in errors[5]
    assert "600 m² leeg is meer dan de 500 m² in totaal" in errors[6]
    assert "lege panden naar duur komen samen op 2, niet op de 3" in errors[7]
    assert "lege m² naar duur komen samen op 200, niet op de 300 m²" in errors[8]
    assert "Dorpsstraat is geen straat van Centrum" in errors[9]
    assert "stonden er al, op regel 2" in errors[10]
    assert "'maart 2024' is geen maand" in errors[11]
    assert "panden_totaal: 'tien' is geen heel getal van 0 tot 100.000." in errors[12]
    assert "vanaf 2000" in errors[13]
    assert "panden_totaal: '100001' is geen heel getal van 0 tot 100.000" in errors[14]


def test_a_file_without_the_split_by_duration_is_refused_as_a_whole(area):
    header = "maand;straat;panden_totaal;panden_leeg;m2_totaal;m2_leeg"
    with pytest.raises(reading.HistoryFileError) as caught:
        reading.parse("historie.csv", history_csv("2024-03;;10;2;1000;200", header=header))
    assert "frictioneel_panden" in str(caught.value) and "structureel_m2" in str(caught.value)


def test_dates_english_names_dutch_numbers_and_empty_classes_are_read(area):
    header = (
        "Month,Street,Units total,Units vacant,Floor area m2,Vacant m2,Frictional units,"
        "Long-term units,Structural units,Frictional m2,Long-term m2,Structural m2"
    )
    month = months_ago(40)
    text = f"{month:%d-%m-%Y},Hoogstraat,12,0,1.250,0,,,,,,\n"
    run(area, history_csv(text.strip(), header=header))
    assert rows_of(area)[month].floor_area_total_m2 == 1250


def test_an_xlsx_workbook_is_read_like_a_csv_file(area):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(";"))
    month = months_ago(50)
    sheet.append([month, "Hoogstraat", 10, 2, 1000, 200, 1, 1, 0, 100, 100, 0])
    buffer = io.BytesIO()
    workbook.save(buffer)
    run(area, buffer.getvalue(), "historie.xlsx")
    assert rows_of(area)[month].long_term_units == 1


def test_the_trend_shows_the_imported_months(area):
    first = months_ago(4)
    run(area, history_csv(line(first, "Hoogstraat", 20, 5, 2000, 500), line(months_ago(3))))
    current = clock.month_start(clock.today())
    rows, missing = trend_rows(area, Period(first, current), None, clock.today(), None)
    assert [row[0] for row in rows] == [first, months_ago(3)]
    assert rows[0][1:3] == [20, 5] and rows[0][-1] == "geïmporteerd"
    assert months_ago(2) in missing


def test_a_city_centres_floor_area_is_not_taken_for_a_typing_error(area):
    """Square metres go up to 100 million a line (a city centre has hundreds of thousands),
    units to 100,000: m2_totaal is a floor area, though its name starts with m2."""
    bad = refused(area, history_csv(line(months_ago(29), "Hoogstraat", m2=100_000_001)))
    assert list(bad.values()) == [
        "m2_totaal: '100000001' is geen heel getal van 0 tot 100.000.000."
    ]
    month = months_ago(30)
    run(area, history_csv(line(month, "Hoogstraat", units=900, m2=708_688, vacant_m2=200)))
    assert rows_of(area)[month].floor_area_total_m2 == 708_688
