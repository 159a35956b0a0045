"""Reading the three layouts, and a clear reason for every bad line."""

from datetime import UTC, date, datetime

import pytest

from vrijstad.footfall.importer import FileError, parse
from vrijstad.footfall.models import Interval


def test_the_generic_layout_reads_offsets_local_times_and_days():
    parsed = parse(
        "counter,start,count,interval\n"
        "HS-01,2026-11-02T09:00:00+01:00,412,\n"
        "HS-01,2026-07-02 09:00,530,hour\n"
        "HS-02,2026-11-03,9120,day\n"
    )
    assert parsed.layout == "generic" and not parsed.errors
    first, summer, day = parsed.rows
    assert first.start == datetime(2026, 11, 2, 8, tzinfo=UTC) and first.passers_by == 412
    assert summer.start == datetime(2026, 7, 2, 7, tzinfo=UTC)  # Amsterdam summer time
    assert day.interval is Interval.DAY and day.start == datetime(2026, 11, 2, 23, tzinfo=UTC)
    assert day.day == date(2026, 11, 3) and day.counter == "HS-02"


def test_a_wide_day_file_gives_a_count_per_filled_hour():
    header = "date;" + ";".join(str(h) for h in range(24))
    cells = ["10"] * 24
    cells[3] = ""
    parsed = parse(f"{header}\n02-11-2026;{';'.join(cells)}\n", default_counter="HS-01")
    assert parsed.layout == "wide" and not parsed.errors
    assert len(parsed.rows) == 23
    assert {r.counter for r in parsed.rows} == {"HS-01"}
    assert parsed.rows[0].start == datetime(2026, 11, 1, 23, tzinfo=UTC)


def test_the_dutch_layout_reads_dates_and_hours_as_written():
    parsed = parse(
        "teller;datum;uur;aantal\nHS-01;02-11-2026;13;120\nHS-01;02-11-2026;14:00-15:00;80\n"
    )
    assert parsed.layout == "dutch" and not parsed.errors
    assert [r.start.hour for r in parsed.rows] == [12, 13]
    assert [r.passers_by for r in parsed.rows] == [120, 80]


def test_every_bad_line_has_its_number_and_reason():
    parsed = parse(
        "datum;uur;aantal\n"
        "02-11-2026;13;120\n"
        "31-02-2026;13;120\n"
        "02-11-2026;24;120\n"
        "02-11-2026;13;-5\n"
        "29-03-2026;2;7\n",
        default_counter="HS-01",
    )
    assert [e.line for e in parsed.errors] == [3, 4, 5, 6]
    messages = [e.message for e in parsed.errors]
    assert "'31-02-2026'" in messages[0]
    assert "'24'" in messages[1]
    assert "'-5'" in messages[2]
    assert "de klok gaat dan een uur vooruit" in messages[3]


def test_an_unknown_header_or_a_missing_counter_is_refused_for_the_file():
    with pytest.raises(FileError, match="bekende indelingen"):
        parse("a;b;c\n1;2;3\n")
    with pytest.raises(FileError, match="geen tellerkolom"):
        parse("datum;uur;aantal\n02-11-2026;13;120\n")
