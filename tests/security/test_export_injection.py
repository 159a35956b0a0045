"""Formula injection (OWASP "CSV Injection"): names that start with = + - @ reach every CSV and
XLSX download neutralised, never as a formula a spreadsheet would run."""

import csv
import io
import re

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from tests.security.matrix import clients, rules, url_for_rule
from tests.security.world import build_world
from vrijstad.areas.models import Street
from vrijstad.auth.models import User
from vrijstad.billing.models import SettlementLine
from vrijstad.exports import FORMULA_START
from vrijstad.extensions import db
from vrijstad.matching.models import AllocationRun
from vrijstad.opendata.models import BagObject
from vrijstad.opendata.reading import address_key
from vrijstad.starters.models import StarterProfile
from vrijstad.subsidies.models import SubsidyApplication
from vrijstad.units.models import Unit

HOSTILE = ('=HYPERLINK("http://evil.example","klik")', "+1", "-2", "@SUM(A1:A9)")
NUMBER = re.compile(r"^-\d+(,\d+)?$")  # a negative amount or count: a number, not text

#: Every download of a spreadsheet: (endpoint, its values beyond the world's, who asks).
CASES = [
    ("billing.receivables_csv", {}, "staff_x", "?show=all"),
    ("billing.statement_csv", {}, "landlord_a", ""),
    ("matching.allocation_run_csv", {}, "staff_x", ""),
    ("dashboard.download", {"key": "structural", "fmt": "csv"}, "staff_x", ""),
    ("dashboard.download", {"key": "streets", "fmt": "csv"}, "staff_x", ""),
    ("dashboard.download", {"key": "all", "fmt": "xlsx"}, "staff_x", ""),
    ("subsidies.export", {"fmt": "csv"}, "staff_x", ""),
    ("subsidies.export", {"fmt": "xlsx"}, "staff_x", ""),
    ("units_import.export_units", {"fmt": "csv"}, "staff_x", ""),
    ("units_import.export_units", {"fmt": "xlsx"}, "staff_x", ""),
    ("opendata.hidden_download", {"fmt": "csv"}, "staff_x", ""),
    ("opendata.hidden_download", {"fmt": "xlsx"}, "staff_x", ""),
]


def test_every_spreadsheet_download_is_covered(app):
    downloads = {
        rule.endpoint for rule in rules(app) if re.search(r"\.(csv|xlsx|<fmt>)$", rule.rule)
    }
    assert downloads == {endpoint for endpoint, *_ in CASES}


def poison(world) -> None:
    """Every name a download shows starts with something a spreadsheet would run."""
    for index, user_id in enumerate(db.session.scalars(sa.select(User.id).order_by(User.id))):
        db.session.get(User, user_id).name = HOSTILE[index % len(HOSTILE)]
    db.session.execute(sa.update(StarterProfile).values(trade_name=HOSTILE[1]))
    db.session.execute(sa.update(Unit).values(street=HOSTILE[2], description=HOSTILE[3]))
    db.session.execute(sa.update(Street).values(name=HOSTILE[3] + sa.cast(Street.id, sa.String)))
    db.session.execute(sa.update(SettlementLine).values(note=HOSTILE[0]))
    db.session.execute(
        sa.update(SubsidyApplication).values(applicant_name=HOSTILE[0], title=HOSTILE[1])
    )
    # A shop object of the BAG with no business and no unit: on the hidden-vacancy list.
    db.session.add(
        BagObject(
            organisation_id=world.params["organisation_id"],
            bag_id="0301010000012345",
            street=HOSTILE[0],
            house_number=999,
            postcode="9999 ZZ",
            city=HOSTILE[1],
            address_key=address_key("9999 ZZ", 999, None, None),
            floor_area=80,
        )
    )
    run = db.session.get(AllocationRun, world.params["run_id"])
    unit_id, starter_id = run.unit_ids[0], run.starter_ids[0]
    run.result = {
        **run.result,
        "pairs": [[unit_id, starter_id, 80, None, None]],
        "unassigned_units": [],
    }
    db.session.commit()


def submitted_scheme() -> int:
    """The scheme with the most submitted applications (a draft is not in the export)."""
    return db.session.scalar(
        sa.select(SubsidyApplication.scheme_id)
        .where(SubsidyApplication.submitted_at.is_not(None))
        .group_by(SubsidyApplication.scheme_id)
        .order_by(sa.func.count().desc(), SubsidyApplication.scheme_id)
        .limit(1)
    )


def text_cells(response, fmt: str) -> list[tuple[str, bool]]:
    """Every text cell of the file, with whether a spreadsheet is told it is text."""
    if fmt == "csv":
        rows = csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";")
        return [(cell, False) for row in rows for cell in row if not NUMBER.match(cell)]
    workbook = load_workbook(io.BytesIO(response.data))
    cells = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if cell.data_type == "s":
                    cells.append((cell.value, bool(cell.quotePrefix)))
    return cells


@pytest.fixture
def world(app, ctx, make_org, make_user):
    world = build_world(app, make_org, make_user)
    poison(world)
    world.by_endpoint["subsidies.export"] = {"scheme_id": submitted_scheme()}
    return world


@pytest.mark.parametrize(
    ("endpoint", "values", "role", "query"),
    CASES,
    ids=[f"{c[0]}-{'-'.join(c[1].values())}" for c in CASES],
)
def test_names_starting_like_a_formula_are_neutralised(app, world, endpoint, values, role, query):
    world.by_endpoint[endpoint] = world.by_endpoint.get(endpoint, {}) | values
    rule = next(rule for rule in rules(app) if rule.endpoint == endpoint)
    client = clients(app, world)[role]
    response = client.get(url_for_rule(rule, world) + query)
    assert response.status_code == 200, response.text[:300]
    fmt = values.get("fmt", "csv")
    cells = text_cells(response, fmt)
    if fmt == "csv":
        raw = [text for text, _ in cells if text.startswith(FORMULA_START)]
        assert raw == [], f"{endpoint}: cells a spreadsheet would run"
        assert any(text[:1] == "'" and text[1:].startswith(HOSTILE) for text, _ in cells), cells
    else:
        unmarked = [text for text, marked in cells if text.startswith(FORMULA_START) and not marked]
        assert unmarked == [], f"{endpoint}: formula-like text without the quote prefix"
        assert any(text.startswith(HOSTILE) and marked for text, marked in cells), cells
