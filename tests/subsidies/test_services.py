"""Subsidy services: the amount, schemes and presets, every transition of the procedure, the
decision clock, the budget ceiling, dossier numbers, the ledger and who may do what."""

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from tests.subsidies.conftest import DAY, SUBMITTED_AT, details, pdf, rules
from vrijstad.areas.models import Area, AreaKind, Street, StreetGrade
from vrijstad.audit.models import AuditEvent
from vrijstad.extensions import db
from vrijstad.ledger import services as ledger
from vrijstad.ledger.models import Posting
from vrijstad.subsidies import documents, services
from vrijstad.subsidies.models import (
    SUBSIDY_TRANSITIONS,
    ApplicantKind,
    CostCategory,
    DocumentKind,
    Handling,
    SubsidyApplication,
    SubsidyDocument,
    SubsidyScheme,
    SubsidyStatus,
)

S = SubsidyStatus


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


# The amount --------------------------------------------------------------------------------


def test_amount_is_the_percentage_of_eligible_costs_with_its_reasoning(make_application):
    application = make_application(
        costs=(
            (CostCategory.FACADE, 12_000_00),
            (CostCategory.FIT_OUT, 3_000_01),
            (CostCategory.MARKETING, 5_000_00),
        )
    )
    reasoning = services.reasoning_of(application)
    assert reasoning.total_cents == 20_000_01
    assert reasoning.ineligible == (("Cost item 3", 5_000_00),)
    assert reasoning.eligible_cents == 15_000_01
    assert reasoning.share_cents == 7_500_00  # half a cent is rounded down
    assert not reasoning.capped
    assert reasoning.amount_cents == 7_500_00


def test_a_request_above_the_cap_is_flagged_and_capped(make_application):
    application = make_application(costs=((CostCategory.FACADE, 40_000_00),))
    reasoning = services.reasoning_of(application)
    assert reasoning.share_cents == 20_000_00
    assert reasoning.capped and reasoning.cap_kind == "activity"
    assert reasoning.amount_cents == 12_500_00
    services.submit_application(application.applicant, application, now=SUBMITTED_AT)
    assert application.requested_cents == 12_500_00


def test_a_cost_line_with_vat_included_is_refused(make_application):
    application = make_application()
    before = len(application.cost_lines)
    with pytest.raises(services.SubsidyError, match="excluding VAT") as refused:
        services.add_cost_line(
            application.applicant,
            application,
            "Sign incl. btw",
            CostCategory.FACADE,
            1_210_00,
            includes_vat=True,
        )
    assert refused.value.field == "includes_vat"
    db.session.rollback()
    assert len(db.session.get(SubsidyApplication, application.id).cost_lines) == before


def test_the_minimum_amount_blocks_submission(make_scheme, make_application):
    scheme = make_scheme(name="HIRB-like", min_amount_cents=5_000_00)
    application = make_application(target_scheme=scheme, costs=((CostCategory.FACADE, 8_000_00),))
    assert services.reasoning_of(application).below_minimum
    with pytest.raises(services.SubsidyError, match="minimum"):
        services.submit_application(application.applicant, application, now=SUBMITTED_AT)


# Schemes and presets -----------------------------------------------------------------------


def test_presets_carry_the_published_rules(ctx, subsidy_org):
    staff = subsidy_org.test_staff
    approach = Area(
        organisation=subsidy_org,
        name="Aanloop",
        city="Dijkerveen",
        kind=AreaKind.APPROACH_STREETS,
        streets=[Street(name="Molenstraat", grade=StreetGrade.B2)],
    )
    db.session.add(approach)
    db.session.flush()
    hirb = services.create_preset(staff, subsidy_org, "hirb_plus")
    assert (hirb.percentage_bp, hirb.max_per_activity_cents, hirb.handling) == (
        5000,
        25_000_00,
        Handling.FIRST_COME,
    )
    assert hirb.min_amount_cents == 5_000_00 and hirb.budget_cents == 425_000_00
    assert set(hirb.applicant_kinds) == {k.value for k in ApplicantKind}
    facade = services.create_preset(staff, subsidy_org, "facade")
    assert (facade.percentage_bp, facade.max_per_activity_cents) == (5000, 12_500_00)
    assert [s.name for s in facade.streets] == ["Molenstraat"]  # listed streets only
    assert facade.lead_days == 42
    rent = services.create_preset(staff, subsidy_org, "starter_rent")
    assert rent.applicant_kinds == ["starter"] and rent.cost_categories == ["rent"]
    with pytest.raises(services.SubsidyError, match="already has a scheme"):
        services.create_preset(staff, subsidy_org, "hirb_plus")


def test_scheme_rules_are_checked(ctx, subsidy_org, make_org):
    staff = subsidy_org.test_staff
    with pytest.raises(services.SubsidyError, match="tender needs a deadline"):
        services.create_scheme(staff, subsidy_org, rules(handling=Handling.TENDER))
    with pytest.raises(services.SubsidyError, match="minimum amount"):
        services.create_scheme(staff, subsidy_org, rules(min_amount_cents=20_000_00))
    other_street = make_org().areas[0].streets[0]
    with pytest.raises(services.SubsidyError) as refused:
        services.create_scheme(staff, subsidy_org, rules(street_ids=[other_street.id]))
    assert refused.value.field == "street_ids"
    with pytest.raises(services.SubsidyError, match="staff"):
        services.create_scheme(make_org().test_staff, subsidy_org, rules())
    db.session.rollback()
    assert count(SubsidyScheme) == 0


def test_the_ceiling_cannot_drop_below_what_is_committed(make_application, scheme):
    make_application(status=S.SUBMITTED)  # reserves € 10.000
    staff = scheme.organisation.test_staff
    with pytest.raises(services.SubsidyError, match="granted and reserved"):
        services.update_scheme(staff, scheme, rules(budget_cents=9_999_99))
    services.update_scheme(staff, scheme, rules(budget_cents=10_000_00, name="Renamed"))
    assert scheme.name == "Renamed" and scheme.budget_cents == 10_000_00


# Applying ----------------------------------------------------------------------------------


def test_a_street_outside_the_scheme_is_refused(ctx, make_scheme, subsidy_org, applicant):
    area = subsidy_org.areas[0]
    listed = Street(name="Molenstraat", grade=StreetGrade.B2)
    area.streets.append(listed)
    db.session.commit()
    scheme = make_scheme(street_ids=[listed.id])
    hoogstraat = next(s for s in area.streets if s.name == "Hoogstraat")
    with pytest.raises(
        services.SubsidyError,
        match="Hoogstraat is outside this scheme: it applies only in Molenstraat",
    ) as refused:
        services.start_application(applicant, scheme, details(street_id=hoogstraat.id), on=DAY)
    assert refused.value.field == "street_id"
    with pytest.raises(services.SubsidyError, match="choose the street"):
        services.start_application(applicant, scheme, details(), on=DAY)
    db.session.rollback()
    assert count(SubsidyApplication) == 0
    application = services.start_application(
        applicant, scheme, details(street_id=listed.id), on=DAY
    )
    assert application.status == S.INTAKE and application.street.name == "Molenstraat"


def test_work_that_started_or_starts_too_soon_is_refused(make_scheme, applicant):
    scheme = make_scheme(lead_days=42)

    def start(target, days: int):
        return services.start_application(
            applicant, target, details(work_starts_on=DAY + timedelta(days=days)), on=DAY
        )

    with pytest.raises(services.SubsidyError, match="at least 42 days"):
        start(scheme, 41)
    plain = make_scheme(name="Plain", dossier_prefix="PL")
    with pytest.raises(services.SubsidyError, match="started before the application"):
        start(plain, -1)
    assert start(scheme, 42).status == S.INTAKE
    assert start(plain, 0).status == S.INTAKE


def test_only_eligible_applicants_may_apply(make_scheme, make_user, subsidy_org):
    scheme = make_scheme(applicant_kinds=[ApplicantKind.STARTER])
    landlord = make_user("landlord")
    with pytest.raises(services.SubsidyError, match="for starter only"):
        services.start_application(
            landlord, scheme, details(applicant_kind=ApplicantKind.LANDLORD), on=DAY
        )
    with pytest.raises(services.SubsidyError, match="cannot apply as"):
        services.start_application(landlord, scheme, details(), on=DAY)
    hirb = make_scheme(
        name="HIRB", applicant_kinds=[ApplicantKind.ORGANISATION], dossier_prefix="HIRB"
    )
    application = services.start_application(
        subsidy_org.test_staff, hirb, details(applicant_kind=ApplicantKind.ORGANISATION), on=DAY
    )
    assert application.applicant_organisation_id == subsidy_org.id


def test_documents_are_checked_as_pdf_by_their_content(make_application):
    application = make_application(status=S.INTAKE)
    person = application.applicant
    with pytest.raises(services.SubsidyError, match="as a PDF"):
        services.add_document(
            person, application, DocumentKind.PLAN, "plan.pdf", b"<html>not a pdf</html>"
        )
    with pytest.raises(services.SubsidyError, match="damaged"):
        services.add_document(
            person, application, DocumentKind.PLAN, "plan.pdf", b"%PDF-1.4 garbage"
        )
    with pytest.raises(services.DocumentTooLarge):
        services.add_document(
            person,
            application,
            DocumentKind.PLAN,
            "plan.pdf",
            b"%PDF-" + b"0" * services.MAX_DOCUMENT_BYTES,
        )
    db.session.rollback()
    assert count(SubsidyDocument) == 0
    document = services.add_document(
        person, application, DocumentKind.PLAN, "../../plan", pdf("Plan")
    )
    assert document.filename == "plan.pdf" and document.pages == 1


def test_submission_needs_intake_quotes_and_documents(make_application, scheme):
    application = make_application(status=S.INTAKE)
    person = application.applicant
    with pytest.raises(services.SubsidyError, match="intake talk comes first"):
        services.submit_application(person, application, now=SUBMITTED_AT)
    services.record_intake(scheme.organisation.test_staff, application, "Talked it through.")
    services.add_cost_line(person, application, "Shopfront", CostCategory.FACADE, 9_000_00)
    missing = services.missing_items(application)
    assert "the quote for “Shopfront”" in missing
    assert "KvK extract" in missing and "plan" in missing
    with pytest.raises(services.SubsidyError, match="not complete yet"):
        services.submit_application(person, application, now=SUBMITTED_AT)
    assert application.status == S.DRAFT and application.dossier_number is None


# The whole procedure -----------------------------------------------------------------------


def test_every_step_from_intake_to_payment(make_application, scheme, outbox):
    application = make_application(status=S.INTAKE)
    staff, person = scheme.organisation.test_staff, application.applicant
    services.record_intake(staff, application, "Plan discussed, quotes to follow.")
    assert application.status == S.DRAFT
    services.add_cost_line(
        person,
        application,
        "Shopfront",
        CostCategory.FACADE,
        10_000_00,
        quote=("offerte.pdf", pdf()),
    )
    services.add_cost_line(
        person,
        application,
        "Counter",
        CostCategory.FIT_OUT,
        4_000_00,
        quote=("offerte2.pdf", pdf()),
    )
    for kind in (DocumentKind.KVK_EXTRACT, DocumentKind.PLAN):
        services.add_document(person, application, kind, f"{kind}.pdf", pdf())
    services.submit_application(person, application, now=SUBMITTED_AT)
    assert application.status == S.SUBMITTED
    assert application.dossier_number == "GEVEL-2026-0001"
    assert application.requested_cents == 7_000_00
    assert services.decision_deadline(application) == date(2026, 4, 27)
    services.start_review(staff, application)
    services.request_information(
        staff, application, "Please send a photo of the facade.", on=date(2026, 3, 10)
    )
    assert application.status == S.INFO_REQUESTED
    services.supply_information(person, application, "Photo uploaded.", on=date(2026, 3, 13))
    assert application.status == S.IN_REVIEW
    services.grant(
        staff, application, conditions="Keep the shopfront for 5 years.", on=date(2026, 4, 1)
    )
    documents.send_grant_letter(application)  # the letter follows the decision
    assert application.status == S.GRANTED and application.granted_cents == 7_000_00
    assert services.days_late(application) == 0
    services.pay_advance(staff, application, on=date(2026, 4, 2))
    assert application.status == S.ADVANCE_PAID and application.advance_cents == 5_600_00
    line_ids = [line.id for line in application.cost_lines]
    services.submit_accountability(
        person,
        application,
        {line_ids[0]: 11_000_00, line_ids[1]: 4_000_00},
        "Shopfront and counter are in place.",
    )
    assert application.status == S.ACCOUNTED
    final = services.final_reasoning_of(application)
    assert final.share_cents == 7_500_00 and final.capped and final.cap_kind == "grant"
    services.settle(staff, application, on=date(2026, 9, 1))
    assert application.status == S.SETTLED and application.final_cents == 7_000_00
    assert services.balance_due(application) == 1_400_00
    services.pay_balance(staff, application, on=date(2026, 9, 2))
    assert application.status == S.PAID and application.paid_cents == 7_000_00
    db.session.commit()
    org = scheme.organisation_id
    assert ledger.balance(org, services.granted_account(scheme.id)) == 7_000_00
    assert ledger.balance(org, services.payable_account(application.id)) == 0
    assert ledger.balance(org, ledger.bank(org)) == -7_000_00
    assert ledger.total_of_all_entries() == 0
    subjects = [m["Subject"] for m in outbox()]
    assert any("GEVEL-2026-0001" in s and "received" in s for s in subjects)
    granted = next(m for m in outbox() if "granted" in m["Subject"])
    attachment = next(granted.iter_attachments())
    assert attachment.get_filename() == "grant-GEVEL-2026-0001.pdf"


def test_a_final_amount_below_the_advance_is_reclaimed(make_application, scheme):
    application = make_application(status=S.IN_REVIEW)
    staff, person = scheme.organisation.test_staff, application.applicant
    services.grant(staff, application, on=DAY + timedelta(days=10))
    services.pay_advance(staff, application)  # 80 % of € 10.000
    only = application.cost_lines[0]
    services.submit_accountability(person, application, {only.id: 6_000_00}, "Smaller job.")
    services.settle(staff, application)
    assert application.final_cents == 3_000_00
    assert services.balance_due(application) == -5_000_00
    with pytest.raises(services.SubsidyError, match="reclaim"):
        services.pay_balance(staff, application)
    services.record_reclaim(staff, application)
    assert application.status == S.RECLAIMED and application.paid_cents == 3_000_00
    db.session.commit()
    org = scheme.organisation_id
    assert ledger.balance(org, services.granted_account(scheme.id)) == 3_000_00
    assert ledger.balance(org, services.payable_account(application.id)) == 0
    assert ledger.balance(org, ledger.bank(org)) == -3_000_00


def test_rejection_withdrawal_and_illegal_moves(make_application, scheme):
    staff = scheme.organisation.test_staff
    rejected = make_application(status=S.IN_REVIEW)
    with pytest.raises(services.SubsidyError, match="reason"):
        services.reject(staff, rejected, "no")
    services.reject(staff, rejected, "The facade is not in a listed street.")
    assert rejected.status == S.REJECTED and rejected.closed_on
    with pytest.raises(services.SubsidyError, match="rejected cannot become withdrawn"):
        services.withdraw(rejected.applicant, rejected)
    withdrawn = make_application(status=S.SUBMITTED, title="Second shopfront")
    services.withdraw(withdrawn.applicant, withdrawn)
    assert withdrawn.status == S.WITHDRAWN
    assert services.budget_of(scheme).reserved_cents == 0
    draft = make_application(title="Third")
    with pytest.raises(services.SubsidyError, match="into review"):
        services.grant(staff, draft)
    with pytest.raises(services.SubsidyError, match="no advance"):
        services.pay_advance(staff, draft)
    assert set(SUBSIDY_TRANSITIONS[S.SUBMITTED]) == {S.IN_REVIEW, S.INFO_REQUESTED, S.WITHDRAWN}
    assert all(not SUBSIDY_TRANSITIONS[s] for s in (S.PAID, S.RECLAIMED, S.REJECTED, S.WITHDRAWN))


def test_staff_cannot_act_as_applicant_and_others_cannot_act_at_all(
    make_application, scheme, make_org, make_starter
):
    application = make_application(status=S.SUBMITTED)
    stranger_staff = make_org().test_staff
    with pytest.raises(services.SubsidyError, match="staff of the scheme"):
        services.start_review(stranger_staff, application)
    with pytest.raises(services.SubsidyError, match="Only the applicant"):
        services.withdraw(scheme.organisation.test_staff, application)
    with pytest.raises(services.SubsidyError, match="Only the applicant"):
        services.add_cost_line(
            make_starter(name="Ander"), application, "x", CostCategory.FACADE, 100
        )
    assert not services.can_see(stranger_staff, application)
    assert services.can_see(scheme.organisation.test_staff, application)


# The decision clock ------------------------------------------------------------------------


def test_deadline_is_eight_weeks_and_a_request_suspends_it(make_application, scheme):
    application = make_application(status=S.IN_REVIEW)  # complete on Monday 2 March 2026
    staff = scheme.organisation.test_staff
    assert services.decision_deadline(application) == date(2026, 4, 27)
    services.request_information(
        staff, application, "Which colour will the facade get?", on=date(2026, 3, 10)
    )
    # While the question is open the date moves on by a day every day.
    assert services.decision_deadline(application, date(2026, 3, 10)) == date(2026, 4, 27)
    assert services.decision_deadline(application, date(2026, 3, 15)) == date(2026, 5, 2)
    services.supply_information(
        application.applicant, application, "Dark green.", on=date(2026, 3, 20)
    )
    assert application.suspended_days == 10
    assert services.decision_deadline(application, date(2026, 6, 1)) == date(2026, 5, 7)
    services.request_information(
        staff, application, "And the sign: what size?", on=date(2026, 4, 1)
    )
    services.supply_information(
        staff, application, "Answered by phone: 2 by 0,5 metres.", on=date(2026, 4, 4)
    )
    assert application.suspended_days == 13
    assert services.decision_deadline(application) == date(2026, 5, 10)


def test_the_term_is_extended_once_by_twelve_weeks_before_it_ends(make_application, scheme):
    staff = scheme.organisation.test_staff
    application = make_application(status=S.IN_REVIEW)
    services.extend_deadline(
        staff, application, "Advice of the welstand committee needed.", on=date(2026, 4, 20)
    )
    assert services.decision_deadline(application) == date(2026, 7, 20)
    with pytest.raises(services.SubsidyError, match="only once"):
        services.extend_deadline(
            staff, application, "Still waiting for the committee.", on=date(2026, 5, 1)
        )
    late = make_application(status=S.IN_REVIEW, title="Another")
    with pytest.raises(services.SubsidyError, match="ended on 27-04-2026"):
        services.extend_deadline(staff, late, "Too late to extend this one.", on=date(2026, 4, 28))
    assert late.extended_on is None


def test_suspension_and_extension_add_up(make_application, scheme):
    staff = scheme.organisation.test_staff
    application = make_application(status=S.IN_REVIEW)
    services.request_information(
        staff, application, "Send the landlord's permission.", on=date(2026, 3, 2)
    )
    services.extend_deadline(
        staff, application, "Permission takes long in this case.", on=date(2026, 3, 30)
    )
    assert services.decision_deadline(application, date(2026, 3, 30)) == date(2026, 8, 17)
    services.supply_information(
        application.applicant, application, "Attached.", on=date(2026, 4, 6)
    )
    # 27 April + 35 days suspended + 84 days extension
    assert services.decision_deadline(application) == date(2026, 8, 24)


def test_a_decision_after_the_deadline_is_allowed_but_flagged(make_application, scheme):
    staff = scheme.organisation.test_staff
    application = make_application(status=S.IN_REVIEW)
    services.grant(staff, application, on=date(2026, 4, 30))
    assert services.days_late(application) == 3
    event = db.session.scalars(
        sa.select(AuditEvent)
        .where(AuditEvent.action == "subsidy.status")
        .order_by(AuditEvent.id.desc())
    ).first()
    assert event.data["new"] == "granted" and event.data["late_days"] == 3
    on_time = make_application(status=S.IN_REVIEW, title="On time")
    services.reject(staff, on_time, "Not in a listed street after all.", on=date(2026, 4, 27))
    assert services.days_late(on_time) == 0


# The budget and the queue ------------------------------------------------------------------


def test_first_come_reserves_in_order_and_never_exceeds_the_ceiling(make_scheme, make_application):
    scheme = make_scheme(name="Klein", budget_cents=25_000_00)
    first = make_application(
        status=S.SUBMITTED, target_scheme=scheme, title="First", submitted_at=SUBMITTED_AT
    )
    second = make_application(
        status=S.SUBMITTED,
        target_scheme=scheme,
        title="Second",
        submitted_at=SUBMITTED_AT + timedelta(hours=1),
    )
    assert services.budget_of(scheme).reserved_cents == 20_000_00
    third = make_application(target_scheme=scheme, title="Third")
    with pytest.raises(services.SubsidyError, match="ceiling of €25,000.00 would be exceeded"):
        services.submit_application(third.applicant, third, now=SUBMITTED_AT + timedelta(hours=2))
    db.session.rollback()
    third = db.session.get(SubsidyApplication, third.id)
    assert third.status == S.DRAFT and third.dossier_number is None
    assert [first.dossier_number, second.dossier_number] == ["GEVEL-2026-0001", "GEVEL-2026-0002"]
    services.withdraw(first.applicant, db.session.get(SubsidyApplication, first.id))
    services.submit_application(third.applicant, third, now=SUBMITTED_AT + timedelta(hours=3))
    assert third.dossier_number == "GEVEL-2026-0003"
    figures = services.budget_of(scheme)
    assert figures.reserved_cents + figures.committed_cents <= figures.ceiling_cents


def test_a_tender_is_decided_after_its_deadline_within_the_ceiling(make_scheme, make_application):
    scheme = make_scheme(
        name="Tender",
        handling=Handling.TENDER,
        tender_deadline=date(2026, 3, 31),
        budget_cents=15_000_00,
        dossier_prefix="TENDER",
    )
    a = make_application(status=S.IN_REVIEW, target_scheme=scheme, title="A")
    b = make_application(status=S.IN_REVIEW, target_scheme=scheme, title="B")
    assert services.budget_of(scheme).reserved_cents == 0  # a tender reserves nothing
    assert services.budget_of(scheme).requested_cents == 20_000_00
    staff = scheme.organisation.test_staff
    with pytest.raises(services.SubsidyError, match="decide after its deadline"):
        services.grant(staff, a, on=date(2026, 3, 31))
    services.grant(staff, a, on=date(2026, 4, 1))
    with pytest.raises(services.SubsidyError, match="would be exceeded") as refused:
        services.grant(staff, b, on=date(2026, 4, 1))
    assert refused.value.field == "amount"
    services.grant(staff, b, 5_000_00, on=date(2026, 4, 1))
    assert services.budget_of(scheme).committed_cents == 15_000_00
    late = make_application(target_scheme=scheme, title="Late")
    with pytest.raises(services.SubsidyError, match="deadline of this tender"):
        services.submit_application(late.applicant, late, now=datetime(2026, 4, 1, 8, tzinfo=UTC))


def test_grant_above_the_computed_amount_is_refused(make_application, scheme):
    application = make_application(status=S.IN_REVIEW)
    with pytest.raises(services.SubsidyError, match="At most €10,000.00"):
        services.grant(scheme.organisation.test_staff, application, 10_000_01)


def test_dossier_numbers_are_gapless_per_scheme_and_year(make_scheme, make_application):
    other = make_scheme(name="Huur", dossier_prefix="HUUR")
    numbers = [
        make_application(status=S.SUBMITTED, title="1").dossier_number,
        make_application(status=S.SUBMITTED, target_scheme=other, title="2").dossier_number,
        make_application(status=S.SUBMITTED, title="3").dossier_number,
        make_application(
            status=S.SUBMITTED,
            title="4",
            submitted_at=datetime(2027, 1, 4, 9, tzinfo=UTC),
            work_starts_on=date(2027, 3, 1),
        ).dossier_number,
    ]
    assert numbers == ["GEVEL-2026-0001", "HUUR-2026-0001", "GEVEL-2026-0002", "GEVEL-2027-0001"]


def test_a_rolled_back_submission_gives_its_number_back(make_application):
    application = make_application()
    services.submit_application(application.applicant, application, now=SUBMITTED_AT)
    assert application.dossier_number == "GEVEL-2026-0001"
    db.session.rollback()
    again = db.session.get(SubsidyApplication, application.id)
    services.submit_application(again.applicant, again, now=SUBMITTED_AT)
    assert again.dossier_number == "GEVEL-2026-0001"


def test_every_grant_is_booked_once(make_application, scheme):
    application = make_application(status=S.IN_REVIEW)
    services.grant(scheme.organisation.test_staff, application)
    db.session.commit()
    with pytest.raises(services.SubsidyError, match="decided by someone else"):
        services.grant(scheme.organisation.test_staff, application)
    keys = db.session.scalars(sa.select(Posting.key)).all()
    assert keys == [f"subsidy_grant:{application.id}"]
