"""Importing the registers for an organisation: what is kept, replaced, refused and linked;
the hidden-vacancy list and its follow-up in the relations log."""

import pytest
import sqlalchemy as sa
from flask import current_app

from tests.opendata.conftest import bag_file, bag_lines, kvk_file
from vrijstad import clock
from vrijstad.audit.models import AuditEvent
from vrijstad.extensions import db
from vrijstad.opendata import hidden, services
from vrijstad.opendata.models import BagObject, Establishment, RegisterImport
from vrijstad.relations.models import Relation
from vrijstad.starters.models import BranchGroup
from vrijstad.todo.services import open_tasks
from vrijstad.units.models import UnitStatus


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _import_both(organisation) -> None:
    services.import_bag(organisation.test_staff, organisation, bag_file(), "bag.csv")
    services.import_kvk(organisation.test_staff, organisation, kvk_file(), "kvk.csv")
    db.session.commit()


def test_importing_again_replaces_without_doubling(make_org):
    organisation = make_org()
    first = services.import_bag(organisation.test_staff, organisation, bag_file(), "bag.csv")
    assert (first.kept, first.passed_over) == (4, 3)
    services.import_bag(organisation.test_staff, organisation, bag_file(), "bag.csv")
    services.import_kvk(None, organisation, kvk_file())
    kvk = services.import_kvk(None, organisation, kvk_file())
    db.session.commit()
    assert _count(BagObject) == 4 and _count(Establishment) == 2
    assert kvk.matched == 2  # both businesses sit at a shop object's address
    salon = db.session.scalar(sa.select(Establishment).where(Establishment.sbi_code == "9602"))
    assert salon.branch_group == BranchGroup.SERVICES
    assert _count(RegisterImport) == 4


def test_another_organisation_keeps_its_own_rows(make_org):
    ours, theirs = make_org(), make_org()
    services.import_bag(None, ours, bag_file())
    services.import_bag(None, theirs, bag_file())
    services.import_bag(
        None,
        ours,
        bag_lines(
            "9999010000000002;Hoogstraat;2;;;7411 KA;Dijkerveen;85;winkelfunctie;in gebruik;;"
        ),
    )
    db.session.commit()
    counts = dict(
        db.session.execute(
            sa.select(BagObject.organisation_id, sa.func.count()).group_by(
                BagObject.organisation_id
            )
        ).all()
    )
    assert counts == {ours.id: 1, theirs.id: 4}


def test_a_bad_line_imports_nothing_and_keeps_what_was_there(make_org):
    organisation = make_org()
    services.import_bag(None, organisation, bag_file())
    db.session.commit()
    with pytest.raises(services.BatchError) as refused:
        services.import_bag(
            None,
            organisation,
            bag_lines(
                "9999010000000002;Hoogstraat;2;;;7411 KA;Dijkerveen;85;winkelfunctie;in gebruik;;",
                "9999010000000003;Hoogstraat;3;;;7411 KA;Dijkerveen;groot;winkelfunctie;x;;",
            ),
        )
    db.session.rollback()
    assert [(e.line, e.message) for e in refused.value.errors] == [
        (3, "De oppervlakte 'groot' is geen heel aantal m² van 1 tot 1.000.000.")
    ]
    assert _count(BagObject) == 4


def test_a_file_with_nothing_in_the_areas_is_refused(make_org):
    organisation = make_org()
    with pytest.raises(
        services.OpenDataError, match="Geen regel van het bestand ligt in de gebieden"
    ):
        services.import_bag(
            None,
            organisation,
            bag_lines("0363010000000001;Kalverstraat;1;;;1012 NX;Amsterdam;150;winkelfunctie;x;;"),
        )


def test_units_are_linked_by_bag_id_or_by_address(make_org, make_unit):
    organisation = make_org()
    area = organisation.areas[0]
    by_address = make_unit(area=area, house_number=3, bag_id=None)
    by_id = make_unit(area=area, house_number=40, bag_id="9999010000000197")
    elsewhere = make_unit(area=area, house_number=41, bag_id=None)
    done = services.import_bag(organisation.test_staff, organisation, bag_file())
    db.session.commit()
    assert done.matched == 2
    db.session.refresh(by_address)
    db.session.refresh(elsewhere)
    assert by_address.bag_id == "9999010000000003"
    assert by_id.bag_id == "9999010000000197" and elsewhere.bag_id is None
    filled = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "opendata.bag_ids_filled")
    )
    assert filled.data == {"units": [by_address.id]}


def test_a_units_street_counts_as_the_areas(make_org, make_unit):
    organisation = make_org()
    make_unit(area=organisation.areas[0], street="Markt", house_number=9, postcode="7411 KB")
    done = services.import_bag(None, organisation, bag_file())
    assert (done.kept, done.passed_over) == (5, 2)  # Markt 1 is now in the area


def test_the_hidden_vacancy_list_has_both_kinds(make_org, make_unit):
    organisation = make_org()
    area = organisation.areas[0]
    listed = make_unit(area=area, house_number=3)  # the hair salon is registered here
    make_unit(area=area, house_number=4, house_letter="A", status=UnitStatus.LET)
    _import_both(organisation)
    rows = hidden.hidden_vacancies(organisation.id)
    assert [(r.hint, r.address, r.floor_area, r.bag_id) for r in rows] == [
        (hidden.Hint.UNOFFERED, "Hoogstraat 2", 85, "9999010000000002"),
        (hidden.Hint.STALE, "Hoogstraat 3", 100, "9999010000000003"),
    ]
    assert rows[1].businesses == ("Kapsalon Knip",)
    assert rows[1].ref == f"unit-{listed.id}"


def test_following_up_makes_one_relation_with_a_task(make_org, make_unit):
    organisation = make_org()
    listed = make_unit(area=organisation.areas[0], house_number=3)
    _import_both(organisation)
    staff = organisation.test_staff
    unoffered = hidden.hidden_vacancies(organisation.id)[0]
    relation = hidden.follow_up(staff, organisation, unoffered.ref)
    again = hidden.follow_up(staff, organisation, unoffered.ref)
    db.session.commit()
    assert again.id == relation.id
    assert relation.name == "Eigenaar van Hoogstraat 2, Dijkerveen"
    assert relation.follow_up_on == clock.today()
    assert relation.follow_up_what == "Verborgen leegstand: Hoogstraat 2, Dijkerveen"
    owner = hidden.follow_up(staff, organisation, f"unit-{listed.id}")
    db.session.commit()
    assert owner.email == listed.owner.email and owner.units == [listed]
    assert _count(Relation) == 2
    with current_app.test_request_context():
        titles = [task.detail for task in open_tasks([organisation.id], clock.today())]
    assert "Verborgen leegstand: Hoogstraat 2, Dijkerveen" in titles
    with pytest.raises(hidden.HiddenVacancyError):
        hidden.follow_up(staff, organisation, "bag-999999")


def test_one_row_is_found_as_the_whole_list_has_it(ctx, make_org, make_unit):
    """Following a row up reads only that row; it must be the row the list shows, and a ref
    that is not on the list (or no ref at all) finds nothing."""
    organisation = make_org()
    make_unit(area=organisation.areas[0], house_number=3)
    services.import_bag(None, organisation, bag_file())
    services.import_kvk(None, organisation, kvk_file())
    db.session.commit()
    rows = hidden.hidden_vacancies(organisation.id)
    assert {row.hint for row in rows} == {hidden.Hint.UNOFFERED, hidden.Hint.STALE}
    for row in rows:
        assert hidden.hidden_vacancies(organisation.id, only=row.ref) == [row]
    on_list = {row.ref for row in rows}
    for ref in ("bag-999999", "unit-999999", "bag-x", "x", "unit-" + "9" * 40, ""):
        assert hidden.hidden_vacancies(organisation.id, only=ref) == [], ref
    others = [f"bag-{n}" for n in range(1, 8)] + [f"unit-{n}" for n in range(1, 4)]
    for ref in others:
        found = hidden.hidden_vacancies(organisation.id, only=ref)
        assert found == ([r for r in rows if r.ref == ref] if ref in on_list else []), ref
