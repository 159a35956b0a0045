"""AVG/GDPR for contest entries, jury work, subsidy applications and invitations to apply: all
in the export; on deletion open ones are withdrawn and personal texts removed, while subsidy
dossiers and their bookkeeping stay (legal retention) without the person's name."""

import json
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from tests.conftest import PASSWORD
from tests.contests.conftest import TODAY, contest_data, pdf_bytes, plan
from tests.subsidies.conftest import DAY, SUBMITTED_AT, details, pdf, rules
from vrijstad.contests import services as contests
from vrijstad.contests.models import Conflict, ContestEntry, EntryStatus, Juror
from vrijstad.extensions import db
from vrijstad.ledger import services as ledger
from vrijstad.matching.models import MatchInvitation
from vrijstad.notifications.models import Notification
from vrijstad.privacy import services as privacy
from vrijstad.storage import get_storage
from vrijstad.subsidies import services as subsidies
from vrijstad.subsidies.models import (
    CostCategory,
    DocumentKind,
    SubsidyApplication,
    SubsidyDocument,
    SubsidyStatus,
)

S = SubsidyStatus
REMOVED = "[verwijderd]"


@pytest.fixture
def scheme(ctx, org):
    item = subsidies.create_scheme(org.test_staff, org, rules())
    db.session.commit()
    return item


@pytest.fixture
def subsidy(scheme, starter):
    """Factory: the starter's application for the scheme, brought up to the status."""
    staff = scheme.organisation.test_staff

    def make(status: SubsidyStatus, title: str = "New shopfront", **data) -> SubsidyApplication:
        application = subsidies.start_application(
            starter, scheme, details(title=title, **data), on=DAY
        )
        if status == S.INTAKE:
            return application
        subsidies.record_intake(staff, application, "Discussed the plan and the quotes.")
        subsidies.add_cost_line(
            starter,
            application,
            "Shopfront",
            CostCategory.FACADE,
            20_000_00,
            quote=("offerte.pdf", pdf()),
        )
        for kind in scheme.required_documents:
            subsidies.add_document(starter, application, DocumentKind(kind), f"{kind}.pdf", pdf())
        if status == S.DRAFT:
            return application
        subsidies.submit_application(starter, application, now=SUBMITTED_AT)
        if status == S.SUBMITTED:
            return application
        subsidies.start_review(staff, application)
        subsidies.grant(staff, application, on=DAY + timedelta(days=10))
        assert status == S.GRANTED
        return application

    return make


@pytest.fixture
def contest(ctx, org, make_unit):
    item = contests.create_contest(
        org.test_staff, org, contest_data([make_unit(area=org.areas[0])]), today=TODAY
    )
    contests.open_contest(org.test_staff, item, today=TODAY)
    db.session.commit()
    return item


def export_of(client, login, user) -> dict:
    login(user)
    response = client.get("/account/data.json")
    assert response.status_code == 200
    return json.loads(response.data)


def test_export_holds_entries_subsidies_and_invitations(
    client, login, contest, subsidy, starter, unit, org
):
    contests.submit_entry(starter, contest, plan(), ("plan.pdf", pdf_bytes()), today=TODAY)
    granted = subsidy(S.GRANTED)
    db.session.add(
        MatchInvitation(
            unit_id=unit.id, starter_id=starter.id, invited_by_id=org.test_staff.id, score=81
        )
    )
    db.session.commit()
    data = export_of(client, login, starter)

    [entry] = data["contest_entries"]
    assert entry["contest"] == "Win een winkel Dijkerveen" and entry["status"] == "submitted"
    assert entry["idea"].startswith("A coffee bar with second-hand books")
    assert entry["plan_filename"] == "plan.pdf"
    [application] = data["subsidy_applications"]
    assert application["dossier_number"] == granted.dossier_number
    assert application["status"] == "granted" and application["granted_cents"] == 10_000_00
    assert application["scheme"] == "Gevelfonds Dijkerveen"
    assert application["cost_lines"][0]["amount_cents"] == 20_000_00
    assert {d["kind"] for d in application["documents"]} == {"quote", "kvk_extract", "plan"}
    assert data["match_invitations"]["received"] == [
        {
            "unit_id": unit.id,
            "score": 81,
            "unit": f"{unit.address}, {unit.city}",
            "created_at": data["match_invitations"]["received"][0]["created_at"],
        }
    ]
    assert data["match_invitations"]["sent"] == []

    client.post("/logout")
    staff_data = export_of(client, login, org.test_staff)
    assert [i["score"] for i in staff_data["match_invitations"]["sent"]] == [81]
    assert "starter_id" not in staff_data["match_invitations"]["sent"][0]
    assert staff_data["subsidy_applications"] == [] and staff_data["contest_entries"] == []


def test_export_holds_jury_work(client, login, contest, make_user, org):
    user = make_user("juror", name="Bea Bank")
    juror = contests.invite_juror(org.test_staff, contest, user.email, "Bea Bank")
    contests.accept_jury_invitation(juror, user)
    db.session.commit()
    [membership] = export_of(client, login, user)["jury_memberships"]
    assert membership["name"] == "Bea Bank" and membership["contest"] == contest.title
    assert membership["scores"] == [] and membership["conflicts"] == []


def test_deleting_withdraws_an_open_entry_and_removes_its_plan(ctx, contest, starter):
    entry = contests.submit_entry(starter, contest, plan(), ("plan.pdf", pdf_bytes()), today=TODAY)
    db.session.commit()
    key = entry.plan_key
    assert get_storage().exists(key)
    privacy.delete_account(starter, PASSWORD)
    db.session.commit()
    db.session.expire_all()
    entry = db.session.get(ContestEntry, entry.id)
    assert entry.status == EntryStatus.WITHDRAWN
    assert entry.idea == REMOVED and entry.help_needed == REMOVED
    assert entry.plan_key is None and entry.plan_filename is None
    assert not get_storage().exists(key)
    assert entry.trade_name == "Koffie & Kaft"  # the business's name, not the person's


def test_deleting_a_juror_keeps_the_scores_but_not_the_name(ctx, contest, make_user, org, starter):
    entry = contests.submit_entry(starter, contest, plan(), today=TODAY)
    user = make_user("juror", name="Bea Bank")
    juror = contests.invite_juror(org.test_staff, contest, user.email, "Bea Bank")
    contests.accept_jury_invitation(juror, user)
    db.session.add(Conflict(juror_id=juror.id, entry_id=entry.id, note="My niece."))
    db.session.commit()
    privacy.delete_account(user, PASSWORD)
    db.session.commit()
    db.session.expire_all()
    juror = db.session.get(Juror, juror.id)
    assert juror.name == REMOVED and "bank" not in juror.email.lower()
    assert juror.user_id == user.id  # the jury's work stays attributed to the anonymised account
    assert db.session.scalar(sa.select(Conflict.note)) == REMOVED


def test_deleting_withdraws_undecided_subsidies_and_keeps_dossiers(scheme, subsidy, starter):
    staff = scheme.organisation.test_staff
    draft = subsidy(S.DRAFT, title="Not yet sent")
    submitted = subsidy(S.SUBMITTED, title="Waiting for a decision")
    db.session.commit()
    assert subsidies.budget_of(scheme).reserved_cents == 10_000_00
    draft_keys = [d.storage_key for d in draft.documents]
    submitted_documents = len(submitted.documents)
    privacy.delete_account(starter, PASSWORD)
    db.session.commit()
    db.session.expire_all()

    draft = db.session.get(SubsidyApplication, draft.id)
    assert draft.status == S.WITHDRAWN and draft.closed_on is not None
    assert draft.description == REMOVED and draft.intake_note == REMOVED
    assert draft.documents == [] and not any(get_storage().exists(k) for k in draft_keys)
    assert draft.applicant_name == "Sanne's Koffie"  # a trade name, kept

    submitted = db.session.get(SubsidyApplication, submitted.id)
    assert submitted.status == S.WITHDRAWN and submitted.dossier_number == "GEVEL-2026-0001"
    assert submitted.description.startswith("Replace the worn-out shopfront")
    assert len(submitted.documents) == submitted_documents  # the dossier is kept whole
    assert subsidies.budget_of(scheme).reserved_cents == 0  # the reservation is released
    staff_kinds = set(
        db.session.scalars(sa.select(Notification.kind).where(Notification.user_id == staff.id))
    )
    assert "subsidy.withdrawn_staff" in staff_kinds
    assert db.session.scalar(sa.select(sa.func.count(SubsidyDocument.id))) == submitted_documents


def test_a_running_grant_stays_with_its_bookkeeping_and_the_staff_are_told(
    scheme, subsidy, starter
):
    staff = scheme.organisation.test_staff
    granted = subsidy(S.GRANTED, applicant_name=starter.name)  # a person applying by name
    db.session.commit()
    org = scheme.organisation_id
    owed = ledger.balance(org, subsidies.payable_account(granted.id))
    privacy.delete_account(starter, PASSWORD)
    db.session.commit()
    db.session.expire_all()
    granted = db.session.get(SubsidyApplication, granted.id)
    assert granted.status == S.GRANTED and granted.granted_cents == 10_000_00
    assert granted.applicant_name == REMOVED and granted.applicant_kvk == "87654321"
    assert ledger.balance(org, subsidies.payable_account(granted.id)) == owed == -10_000_00
    assert ledger.total_of_all_entries() == 0
    told = db.session.scalars(
        sa.select(Notification).where(
            Notification.user_id == staff.id, Notification.kind == "subsidy.applicant_deleted"
        )
    ).one()
    assert told.data == {"dossier": granted.dossier_number, "applicant": REMOVED}
    assert told.url == f"/subsidies/applications/{granted.id}"
    # Staff finish the dossier: the steps still work without the applicant's account.
    subsidies.pay_advance(staff, granted, on=date(2026, 4, 1))
    db.session.commit()
    assert granted.status == S.ADVANCE_PAID


def test_deleting_a_starter_removes_the_invitations_they_received(ctx, unit, starter, org):
    db.session.add(
        MatchInvitation(
            unit_id=unit.id, starter_id=starter.id, invited_by_id=org.test_staff.id, score=70
        )
    )
    db.session.commit()
    privacy.delete_account(starter, PASSWORD)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(MatchInvitation.id))) == 0


def test_deleting_the_inviter_keeps_the_invitation(ctx, unit, starter, org):
    db.session.add(
        MatchInvitation(
            unit_id=unit.id, starter_id=starter.id, invited_by_id=org.test_staff.id, score=70
        )
    )
    db.session.commit()
    privacy.delete_account(org.test_staff, PASSWORD)
    db.session.commit()
    assert db.session.scalar(sa.select(MatchInvitation.starter_id)) == starter.id
