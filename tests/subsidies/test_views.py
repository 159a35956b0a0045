"""Subsidy pages: presets in one click, the procedure through the forms, refusals with reasons,
who may see and do what, and the overview with exports that say what the page says."""

import csv
import io
import re
from datetime import date, timedelta
from decimal import Decimal

import openpyxl
import sqlalchemy as sa

from tests.subsidies.conftest import SUBMITTED_AT, pdf, pdf_text
from vrijstad import clock
from vrijstad.areas.models import Area, AreaKind, Street, StreetGrade
from vrijstad.extensions import db
from vrijstad.subsidies import services
from vrijstad.subsidies.models import (
    CostCategory,
    CostLine,
    SubsidyApplication,
    SubsidyDocument,
    SubsidyScheme,
    SubsidyStatus,
)

S = SubsidyStatus


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def status(client, url: str) -> int:
    """The status of a GET; the response is closed (a download holds its file open)."""
    response = client.get(url)
    response.close()
    return response.status_code


def fresh(application) -> SubsidyApplication:
    db.session.expire_all()
    return db.session.get(SubsidyApplication, application.id)


def test_staff_add_a_preset_with_one_click_and_edit_its_rules(client, login, subsidy_org):
    login(subsidy_org.test_staff)
    page = client.get(f"/organisations/{subsidy_org.id}/subsidies")
    assert page.status_code == 200
    assert "HIRB+ Toekomstbestendige Winkelgebieden (province, 50 %" in page.text
    response = client.post(f"/organisations/{subsidy_org.id}/subsidies/presets/hirb_plus")
    scheme = db.session.scalar(sa.select(SubsidyScheme))
    assert response.location.endswith(f"/subsidies/schemes/{scheme.id}/edit")
    form = client.get(response.location)
    assert form.status_code == 200 and 'value="25000"' in form.text
    again = client.post(f"/organisations/{subsidy_org.id}/subsidies/presets/hirb_plus")
    assert "already has a scheme" in client.get(again.location).text
    assert count(SubsidyScheme) == 1

    data = {
        "name": "HIRB+ 2027",
        "provider": "province",
        "provider_name": "Provincie Noord-Holland",
        "percentage": "50",
        "max_per_activity": "20.000",
        "min_amount": "5.000",
        "budget": "400.000,00",
        "handling": "tender",
        "tender_deadline": "",
        "applicant_kinds": ["group", "organisation"],
        "cost_categories": ["research"],
        "required_documents": ["kvk_extract"],
        "apply_before_start": "y",
        "lead_days": "0",
        "advance": "80",
        "dossier_prefix": "hirb",
        "active": "y",
    }
    refused = client.post(f"/subsidies/schemes/{scheme.id}/edit", data=data)
    assert refused.status_code == 422 and "A tender needs a deadline" in refused.text
    db.session.refresh(scheme)
    assert scheme.max_per_activity_cents == 25_000_00
    saved = client.post(
        f"/subsidies/schemes/{scheme.id}/edit", data=data | {"tender_deadline": "2027-03-31"}
    )
    assert saved.location.endswith(f"/subsidies/schemes/{scheme.id}/overview")
    db.session.refresh(scheme)
    assert (scheme.name, scheme.max_per_activity_cents, scheme.budget_cents) == (
        "HIRB+ 2027",
        20_000_00,
        400_000_00,
    )
    assert scheme.handling.value == "tender" and scheme.dossier_prefix == "HIRB"
    assert scheme.applicant_kinds == ["group", "organisation"]


def _step(client, url, data=None, expect=302):
    response = client.post(url, data=data or {})
    assert response.status_code == expect, response.text[:2000]
    return response


def test_the_procedure_through_the_pages(client_for, scheme, applicant, colleague, outbox):
    starter = client_for(applicant)
    staff = client_for(scheme.organisation.test_staff)
    client = starter
    assert "Gevelfonds Dijkerveen" in client.get("/subsidies").text
    work_starts = clock.today() + timedelta(days=60)
    started = _step(
        client,
        f"/subsidies/schemes/{scheme.id}/apply",
        {
            "applicant_kind": "starter",
            "applicant_name": "Sanne's Koffie",
            "applicant_kvk": "87654321",
            "title": "New shopfront",
            "description": "Replace the worn-out shopfront and add a sign.",
            "street_id": "0",
            "address": "Hoogstraat 12",
            "work_starts_on": work_starts.isoformat(),
            "other_de_minimis": "1.250,50",
        },
    )
    application = db.session.scalar(sa.select(SubsidyApplication))
    assert application.other_de_minimis_cents == 1_250_50  # the declaration is kept
    url = f"/subsidies/applications/{application.id}"
    assert started.location.endswith(url)
    assert "The staff will contact you for an intake talk" in client.get(url).text

    client = staff
    _step(client, f"{url}/intake", {"note": "Discussed the plan; quotes follow."})
    client = starter
    fragment = client.post(
        f"{url}/costs",
        headers={"HX-Request": "true"},
        data={
            "description": "Shopfront",
            "supplier": "Bouw BV",
            "category": "facade",
            "amount": "30.000,00",
            "quote": (io.BytesIO(pdf()), "offerte.pdf"),
        },
    )
    assert fragment.status_code == 200 and fragment.text.lstrip().startswith('<section id="costs"')
    assert "How the amount is computed" in fragment.text
    assert "above the maximum of €12,500.00 per activity" in fragment.text
    assert "offerte.pdf" in fragment.text
    for kind in ("kvk_extract", "plan"):
        _step(client, f"{url}/documents", {"kind": kind, "file": (io.BytesIO(pdf()), "d.pdf")})
    _step(client, f"{url}/submit")
    page = client.get(url).text
    application = fresh(application)
    assert application.status == S.SUBMITTED
    number = f"GEVEL-{clock.local_date(application.submitted_at).year}-0001"  # a Dutch year
    assert number in page
    deadline = services.decision_deadline(application)
    assert f"Decision due by {deadline:%d-%m-%Y}." in page

    client = staff
    _step(client, f"{url}/steps/review")
    _step(client, f"{url}/request-info", {"question": "Please send a photo of the facade."})
    page = client.get(url).text
    assert "The term stands still since" in page
    assert f"Today the decision would be due by {deadline:%d-%m-%Y}." in page
    client = starter
    answered = _step(client, f"{url}/answer", {"answer": "The photo is in the plan."})
    assert fresh(application).status == S.IN_REVIEW
    assert f"runs again until {deadline:%d-%m-%Y}" in client.get(answered.location).text

    client, mails = staff, len(outbox())
    first = _step(client, f"{url}/grant", {"amount": "12.500", "conditions": "Keep it 5 years."})
    page = client.get(first.location).text  # above € 10.000: four eyes
    assert "A second colleague must grant it too" in page
    assert fresh(application).status == S.IN_REVIEW and len(outbox()) == mails  # no letter yet
    client = client_for(colleague)
    assert "Keep it 5 years." in client.get(url).text  # the second sees what the first granted
    granted = _step(client, f"{url}/grant", {"amount": "12.500", "conditions": "Keep it 5 years."})
    assert "Granted: €12,500.00" in client.get(granted.location).text
    letter = client.get(f"{url}/grant-letter.pdf")
    assert letter.headers["Content-Type"] == "application/pdf"
    text = pdf_text(letter.data)
    assert number in text and "Capped at the maximum per activity" in text
    assert "87654321" in text
    _step(client, f"{url}/steps/advance")
    assert fresh(application).advance_cents == 10_000_00

    client = starter
    done = {"note": "The shopfront is done."}
    vat = client.post(
        f"{url}/accountability", data=done | {"actuals-0": "24.200", "includes_vat": "y"}
    )
    assert vat.status_code == 422 and "Enter the actual costs excluding VAT" in vat.text
    short = client.post(f"{url}/accountability", data=done)
    assert short.status_code == 422 and "Enter the actual cost of every line" in short.text
    assert fresh(application).status == S.ADVANCE_PAID
    _step(
        client, f"{url}/accountability", {"actuals-0": "20.000", "note": "The shopfront is done."}
    )
    client = staff
    page = client.get(url).text
    assert "The final amount on the actual costs" in page
    _step(client, f"{url}/settle", {"amount": "10.000"})
    assert "Record the repayment" not in client.get(url).text
    _step(client, f"{url}/steps/pay")
    application = fresh(application)
    assert application.status == S.PAID and application.paid_cents == 10_000_00
    assert any(number in m["Subject"] for m in outbox())


def test_bad_input_is_refused_with_a_reason_and_nothing_is_written(
    client, login, make_application, make_scheme, subsidy_org, applicant
):
    application = make_application()
    url = f"/subsidies/applications/{application.id}"
    login(applicant)
    lines = count(CostLine)
    vat = client.post(
        f"{url}/costs",
        data={"description": "Sign", "category": "facade", "amount": "1.210", "includes_vat": "y"},
    )
    assert vat.status_code == 422 and "Enter the amount excluding VAT" in vat.text
    assert count(CostLine) == lines
    documents = count(SubsidyDocument)
    upload = client.post(
        f"{url}/documents",
        data={"kind": "lease", "file": (io.BytesIO(b"MZ fake.exe"), "lease.pdf")},
    )
    assert "Upload the document as a PDF file" in client.get(upload.location).text
    assert count(SubsidyDocument) == documents

    centre = subsidy_org.areas[0]
    listed = make_scheme(name="Gevels B", dossier_prefix="GB", area_ids=[centre.id])
    outside = Area(
        organisation=subsidy_org,
        name="Rand",
        city="Dijkerveen",
        kind=AreaKind.DISTRICT,
        streets=[Street(name="Kanaalstraat", grade=StreetGrade.C)],
    )
    db.session.add(outside)
    db.session.commit()
    before = count(SubsidyApplication)
    refused = client.post(
        f"/subsidies/schemes/{listed.id}/apply",
        data={
            "applicant_kind": "starter",
            "applicant_name": "Sanne's Koffie",
            "applicant_kvk": "87654321",
            "title": "Shopfront",
            "description": "Replace the worn-out shopfront and add a sign.",
            "street_id": str(outside.streets[0].id),
            "work_starts_on": "2030-01-01",
        },
    )
    assert refused.status_code == 422
    assert "Kanaalstraat is outside this scheme: it applies only in Hoogstraat" in refused.text
    assert count(SubsidyApplication) == before


def test_a_late_decision_is_warned(client, login, make_application, scheme):
    submitted = clock.now() - timedelta(days=70)
    application = make_application(
        status=S.IN_REVIEW,
        submitted_at=submitted,
        work_starts_on=clock.today() + timedelta(days=30),
    )
    due = services.decision_deadline(application)
    assert (clock.today() - due).days in (13, 14, 15)  # 70 days minus 8 weeks, give or take a zone
    login(scheme.organisation.test_staff)
    url = f"/subsidies/applications/{application.id}"
    page = client.get(url).text
    assert f"The decision term ended on {due:%d-%m-%Y}: a decision now comes too late." in page
    response = _step(client, f"{url}/reject", {"reject-reason": "Not in a listed street."})
    late = (clock.today() - due).days
    page = client.get(response.location).text
    assert f"this decision came {late} days after the deadline of {due:%d-%m-%Y}" in page
    assert fresh(application).status == S.REJECTED


def test_applicants_see_only_their_own_and_staff_only_their_schemes(
    client, client_for, make_application, scheme, make_starter, make_org, make_user
):
    application = make_application(status=S.IN_REVIEW)
    services.grant(scheme.organisation.test_staff, application)
    db.session.commit()
    document = db.session.scalar(sa.select(SubsidyDocument))
    url = f"/subsidies/applications/{application.id}"
    private = [url, f"{url}/grant-letter.pdf", f"{url}/documents/{document.id}"]
    staff_only = [
        f"/subsidies/schemes/{scheme.id}/overview",
        f"/subsidies/schemes/{scheme.id}/export.xlsx",
        f"/subsidies/schemes/{scheme.id}/edit",
        f"/organisations/{scheme.organisation_id}/subsidies",
    ]
    for url_ in private + staff_only:
        assert "/login" in client.get(url_).location
    for stranger in (
        make_starter(name="Nieuwsgierig"),
        make_org().test_staff,
        make_user("landlord"),
    ):
        other = client_for(stranger)
        for url_ in private + staff_only:
            assert status(other, url_) == 404, (stranger, url_)
        assert other.post(f"{url}/steps/advance").status_code == 404
        assert other.post(f"{url}/withdraw").status_code == 404
    client = client_for(application.applicant)
    for url_ in private:
        assert status(client, url_) == 200
    for url_ in staff_only:
        assert status(client, url_) == 404
    assert client.post(f"{url}/steps/advance").status_code == 403
    assert client.post(f"{url}/settle", data={"amount": "1"}).status_code == 403
    client = client_for(scheme.organisation.test_staff)
    assert client.post(f"{url}/accountability", data={"note": "x" * 20}).status_code == 403
    assert client.post(f"{url}/costs", data={}).status_code == 403
    assert fresh(application).status == S.GRANTED


def test_a_closed_scheme_is_hidden_from_applicants(client, login, scheme, applicant):
    scheme.active = False
    db.session.commit()
    assert client.get(f"/subsidies/schemes/{scheme.id}").status_code == 404
    login(applicant)
    assert client.get(f"/subsidies/schemes/{scheme.id}/apply").status_code == 404
    assert "Gevelfonds" not in client.get("/subsidies").text


def _page_figures(text: str) -> dict[str, int]:
    table = text.split('<table id="budget">', 1)[1].split("</table>", 1)[0]
    cells = re.findall(r'<th scope="row">([^<]+)</th><td data-cents="(-?\d+)">', table)
    return {label: int(cents) for label, cents in cells}


def test_overview_and_exports_show_the_same_figures(
    client, login, make_application, scheme, applicant, make_starter, colleague
):
    staff = scheme.organisation.test_staff
    granted = make_application(
        status=S.IN_REVIEW, title="Granted one", costs=((CostCategory.FACADE, 40_000_00),)
    )
    for person in (staff, colleague):  # € 12.500: four eyes
        services.grant(person, granted, on=date(2026, 3, 20))
    services.pay_advance(staff, granted)
    waiting = make_application(
        status=S.SUBMITTED,
        title="Waiting one",
        person=make_starter(name="Tweede"),
        submitted_at=SUBMITTED_AT + timedelta(days=1),
    )
    make_application(title="Draft one")
    db.session.commit()
    login(staff)
    page = client.get(f"/subsidies/schemes/{scheme.id}/overview")
    assert page.status_code == 200
    figures = _page_figures(page.text)
    assert list(figures.values()) == [100_000_00, 12_500_00, 10_000_00, 77_500_00, 10_000_00]
    due = page.text.split('id="due"', 1)[1].split("</ul>", 1)[0]
    assert "GEVEL-2026-0002" in due and "overdue" in due  # the waiting one, long overdue
    assert "GEVEL-2026-0001" not in due  # decided

    response = client.get(f"/subsidies/schemes/{scheme.id}/export.xlsx")
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.data))
    rows = list(workbook["aanvragen"].iter_rows(values_only=True))
    header = rows[0]
    records = [dict(zip(header, row, strict=True)) for row in rows[1:]]
    assert [r["dossiernummer"] for r in records] == ["GEVEL-2026-0001", "GEVEL-2026-0002"]
    assert [r["status"] for r in records] == ["advance_paid", "submitted"]
    assert Decimal(str(records[0]["verleend"])) == Decimal("12500.00")
    assert Decimal(str(records[1]["gevraagd"])) == Decimal("10000.00")
    assert records[1]["beslistermijn"].date() == services.decision_deadline(fresh(waiting))
    budget = list(workbook["budget"].iter_rows(values_only=True))
    assert budget[0] == ("regeling", "post", "bedrag")
    assert {scheme for scheme, _key, _value in budget[1:]} == {"Gevelfonds Dijkerveen"}
    in_cents = {key: round(value * 100) for _scheme, key, value in budget[1:]}
    assert list(in_cents.values()) == list(figures.values())

    exported = client.get(f"/subsidies/schemes/{scheme.id}/export.csv")
    reader = csv.DictReader(io.StringIO(exported.data.decode("utf-8-sig")), delimiter=";")
    lines = list(reader)
    assert [line["dossiernummer"] for line in lines] == ["GEVEL-2026-0001", "GEVEL-2026-0002"]
    assert lines[0]["verleend"] == "12500,00" and lines[0]["uitbetaald"] == "10000,00"
    assert granted.applicant_id == applicant.id


def test_costs_change_in_place_with_htmx(client_for, make_application):
    application = make_application(
        costs=((CostCategory.FACADE, 2_000_00), (CostCategory.MARKETING, 1_000_00))
    )
    url = f"/subsidies/applications/{application.id}"
    starter = client_for(application.applicant)
    htmx = {"HX-Request": "true"}
    page = starter.get(url).text
    assert "Not eligible: Cost item 2" in page and "not eligible" in page
    line = application.cost_lines[1]
    removed = starter.post(f"{url}/costs/{line.id}/delete", headers=htmx)
    assert removed.status_code == 200 and "<html" not in removed.text
    assert "Cost item 2" not in removed.text and "€1,000.00" in removed.text
    refused = starter.post(
        f"{url}/costs",
        headers=htmx,
        data={"description": "Sign", "category": "facade", "amount": "-5"},
    )
    assert refused.status_code == 422 and "Enter an amount above" in refused.text
    assert count(CostLine) == 1
    new_quote = {"quote": (io.BytesIO(pdf("Nieuwe offerte")), "nieuw.pdf")}
    replaced = starter.post(f"{url}/costs/{application.cost_lines[0].id}/quote", data=new_quote)
    assert "The document is uploaded" in starter.get(replaced.location).text
    quotes = db.session.scalars(
        sa.select(SubsidyDocument.filename).where(SubsidyDocument.cost_line_id.is_not(None))
    ).all()
    assert quotes == ["nieuw.pdf"]


def test_staff_without_two_step_verification_cannot_pay_out_a_grant(
    client_for, scheme, make_application
):
    application = make_application(status=S.IN_REVIEW)
    staff = scheme.organisation.test_staff
    services.grant(staff, application, 100_000)
    staff.totp_secret = staff.totp_enabled_at = None
    db.session.commit()
    client = client_for(staff)
    url = f"/subsidies/applications/{application.id}"
    assert client.post(f"{url}/steps/advance").location == "/account/two-factor"
    assert fresh(application).status == S.GRANTED


def test_the_location_names_the_street_once(client_for, make_application, scheme):
    """Issue 23: the application showed "Kerkstraat 4 Kerkstraat"."""
    street = services.street_choices(scheme)[0]
    application = make_application(address=f"{street.name} 4", street_id=street.id)
    page = client_for(application.applicant).get(f"/subsidies/applications/{application.id}")
    assert f"<dd>{street.name} 4</dd>" in page.text
    other = make_application(address="Achterom 2", street_id=street.id)
    assert other.location == f"Achterom 2, {street.name}"


def test_a_new_cost_has_no_category_until_one_is_chosen(client_for, make_application):
    """Issue 23: a new cost line was filed as "onderzoek" unasked, then wanted a quote."""
    application = make_application(costs=())
    url = f"/subsidies/applications/{application.id}"
    starter = client_for(application.applicant)
    page = starter.get(url).text
    assert '<option value="">— choose —</option><option value="research">' in page
    assert "You can add the quote later" in page
    refused = starter.post(f"{url}/costs", data={"description": "Sign", "amount": "500"})
    assert refused.status_code == 422 and "Choose the category of this cost." in refused.text
    assert count(CostLine) == 0


def test_the_apply_button_is_shown_only_to_those_the_scheme_is_for(
    client, login, make_scheme, make_user
):
    starters_only = make_scheme(
        name="Startershuur", dossier_prefix="SH", applicant_kinds=["starter"]
    )
    page = f"/subsidies/schemes/{starters_only.id}"
    login(make_user("landlord"))
    shown = client.get(page)
    assert f'href="{page}/apply"' not in shown.text
    assert "Deze regeling is alleen voor starter." in shown.text
    assert client.get(f"{page}/apply").status_code == 403
    client.post("/logout")
    login(make_user("starter"))
    assert f'href="{page}/apply"' in client.get(page).text
