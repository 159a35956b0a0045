"""A subsidy from intake to payment, in Dutch: staff add the HIRB+ scheme from its preset; a
starter applies; staff record the intake; the starter adds cost lines with quotes and the
documents, and submits (dossier number, decision date); staff review and ask a question, which
stops the decision clock until the starter answers; staff grant; the grant letter downloads;
staff pay the advance; the starter accounts for the actual costs; staff set the final amount
and pay the rest, booked in the ledger. Each step shows what the user sees: statuses in Dutch,
amounts as € 1.234,56, the notices in the app (followed to the application where they lead)."""

import re
from datetime import timedelta

import sqlalchemy as sa
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from tests.browser.test_lettings_journey import log_in, log_out
from vrijstad import clock
from vrijstad.extensions import db, limiter
from vrijstad.ledger import services as ledger
from vrijstad.pdf import Document
from vrijstad.subsidies import services as subsidies
from vrijstad.subsidies.models import SubsidyApplication

NBSP = "\xa0"


def eur(text: str) -> str:
    """'€ 1.234,56' as the page shows it (a non-breaking space after the sign)."""
    return text.replace("€ ", f"€{NBSP}")


def pdf_file(tmp_path, name: str, title: str) -> str:
    doc = Document(title)
    doc.paragraph(f"{title} — Koffie & Kaft, Hoogstraat 12, Dijkerveen")
    path = tmp_path / name
    path.write_bytes(doc.output())
    return str(path)


def status(page: Page):
    return page.locator("#subsidy-status")


def test_a_subsidy_from_intake_to_payment(
    page: Page, live_server, make_org, make_starter, tmp_path, monkeypatch
):
    monkeypatch.setattr(limiter, "enabled", False)  # many logins from one address: no attack
    organisation = make_org(name="Binnenstad Dijkerveen")
    staff = organisation.test_staff
    starter = make_starter(name="Sanne de Vries", trade_name="Koffie & Kaft")
    work_starts = clock.today() + timedelta(days=30)

    # Staff add the HIRB+ scheme from its preset, look at its rules and save them.
    log_in(page, staff.email)
    page.get_by_role("navigation").get_by_role("link", name="Subsidies").click()
    page.get_by_role("button", name="Regelingen van Binnenstad Dijkerveen").click()
    expect(page.locator("main table")).to_contain_text("Nog geen regelingen")
    hirb = page.locator("main li", has_text="HIRB+ Toekomstbestendige Winkelgebieden")
    hirb.get_by_role("button", name="Toevoegen").click()
    expect(
        page.get_by_text("De regeling HIRB+ Toekomstbestendige Winkelgebieden is toegevoegd")
    ).to_be_visible()
    expect(page.get_by_role("textbox", name="Naam", exact=True)).to_have_value(
        "HIRB+ Toekomstbestendige Winkelgebieden"
    )
    page.get_by_role("button", name="Regeling opslaan").click()
    expect(page.get_by_text("De regeling is opgeslagen.")).to_be_visible()
    expect(page.locator("main")).to_contain_text(eur("€ 425.000,00"))  # the budget ceiling
    log_out(page)

    # The starter finds the scheme and starts an application as a starter.
    log_in(page, starter.email)
    page.get_by_role("navigation").get_by_role("link", name="Subsidies").click()
    page.get_by_role("link", name="HIRB+ Toekomstbestendige Winkelgebieden").click()
    expect(page.locator("main")).to_contain_text(eur("€ 25.000,00"))  # at most per activity
    page.get_by_role("button", name="Aanvragen", exact=True).click()
    expect(page.get_by_label("Ik vraag aan als")).to_have_value("starter")
    expect(page.get_by_label("KvK-nummer")).to_have_value("87654321")
    page.get_by_label("Titel van het project").fill("Duurzame winkel Koffie & Kaft")
    page.get_by_label("Wat wil je doen, en waarom?").fill(
        "LED-verlichting en een geïsoleerde etalage, met advies over het energielabel."
    )
    page.get_by_label("Straat").select_option(label="Hoogstraat (Centrum)")
    page.get_by_label("Huisnummer of adres").fill("Hoogstraat 12")
    page.get_by_label("Het werk begint op").fill(work_starts.isoformat())
    page.get_by_role("button", name="Mijn aanvraag starten").click()
    expect(page.get_by_text("Je aanvraag is gestart.")).to_be_visible()
    expect(status(page)).to_have_text("intake")
    log_out(page)

    # Staff find the new application in the scheme's overview and record the intake talk.
    log_in(page, staff.email)
    page.get_by_role("navigation").get_by_role("link", name="Meldingen").click()
    page.get_by_role("button", name=re.compile("Koffie & Kaft is een aanvraag")).click()
    expect(status(page)).to_have_text("intake")
    page.get_by_label("Verslag van de intake").fill(
        "Plan besproken; offertes voor verlichting en advies."
    )
    page.get_by_role("button", name="Intake vastleggen").click()
    expect(page.get_by_text("De intake is vastgelegd")).to_be_visible()
    expect(status(page)).to_have_text("concept")
    log_out(page)

    # The starter adds two cost lines with their quotes (the page part is swapped in place).
    log_in(page, starter.email)
    page.get_by_role("link", name="Subsidies").first.click()
    page.get_by_role("button", name="Mijn subsidieaanvragen").click()
    page.get_by_role("link", name="Duurzame winkel Koffie & Kaft").click()
    costs = page.locator("#costs")
    lines = [
        ("LED-verlichting en isolatie etalage", "sustainability", "14.000,00"),
        ("Advies energielabel", "research", "2.500,00"),
    ]
    for n, (description, category, amount) in enumerate(lines, 1):
        page.locator("#costs summary").click()
        form = page.locator("form[action$='/costs']")
        form.get_by_role("textbox", name="Kostenpost", exact=True).fill(description)
        form.get_by_label("Leverancier (volgens de offerte)").fill("Installatiebedrijf Dijkerveen")
        form.get_by_label("Categorie").select_option(category)
        form.get_by_label("Bedrag excl. btw").fill(amount)
        form.get_by_label("Offerte (pdf)").set_input_files(
            pdf_file(tmp_path, f"offerte-{n}.pdf", f"Offerte {n}")
        )
        form.get_by_role("button", name="Kostenpost toevoegen").click()
        expect(costs.locator("table").first).to_contain_text(description)
    expect(costs).to_contain_text(eur("€ 16.500,00"))  # eligible costs
    expect(costs).to_contain_text(eur("€ 8.250,00"))  # 50 % of them

    # The documents the scheme asks for, then the application is complete.
    documents = page.locator("form[action$='/documents']")
    for kind, label in (
        ("kvk_extract", "KvK-uittreksel"),
        ("budget", "Begroting"),
        ("plan", "Plan"),
    ):
        documents.get_by_role("combobox", name="Document", exact=True).select_option(kind)
        documents.get_by_label("Bestand (pdf)").set_input_files(
            pdf_file(tmp_path, f"{kind}.pdf", label)
        )
        documents.get_by_role("button", name="Uploaden").click()
        expect(page.get_by_text("Het document is geüpload.")).to_be_visible()
    expect(page.locator("#missing")).to_have_count(0)
    page.get_by_role("button", name="Aanvraag indienen").click()
    expect(page.get_by_text("Je aanvraag is ingediend en heeft een dossiernummer.")).to_be_visible()
    expect(status(page)).to_have_text("ingediend")
    number = f"HIRB-{clock.today().year}-0001"
    expect(page.locator("main hgroup")).to_contain_text(f"dossier {number}")
    deadline = clock.today() + timedelta(weeks=8)
    expect(page.locator("#deadline")).to_contain_text(f"Besluit uiterlijk op {deadline:%d-%m-%Y}.")
    log_out(page)

    # Staff see it in the queue, review it and grant the computed amount.
    log_in(page, staff.email)
    page.get_by_role("navigation").get_by_role("link", name="Subsidies").click()
    page.get_by_role("button", name="Regelingen van Binnenstad Dijkerveen").click()
    page.get_by_role("link", name="HIRB+ Toekomstbestendige Winkelgebieden").click()
    expect(page.locator("main")).to_contain_text(eur("€ 8.250,00"))  # reserved
    page.get_by_role("link", name="Duurzame winkel Koffie & Kaft").first.click()
    page.get_by_role("button", name="Beoordeling starten").click()
    expect(status(page)).to_have_text("in behandeling")

    # A question stops the decision clock until the starter answers it.
    page.get_by_text("Om aanvullende informatie vragen (de termijn staat stil)").click()
    page.get_by_label("Welke informatie is nodig?").fill("Stuur het energielabel van het pand mee.")
    page.get_by_role("button", name="Vraag versturen").click()
    expect(page.get_by_text("De vraag is verstuurd")).to_be_visible()
    expect(status(page)).to_have_text("informatie gevraagd")
    expect(page.locator("#deadline")).to_contain_text("De termijn staat stil sinds")
    log_out(page)
    log_in(page, starter.email)
    page.get_by_role("navigation").get_by_role("link", name="Meldingen").click()
    page.get_by_role(
        "button",
        name=f"Voor dossier {number} is aanvullende informatie nodig. "
        "De beslistermijn staat stil tot je antwoordt.",
    ).click()
    page.get_by_label("Je antwoord").fill("Het pand heeft energielabel C; het rapport volgt.")
    page.get_by_role("button", name="Mijn antwoord versturen").click()
    expect(
        page.get_by_text(f"de beslistermijn loopt weer, tot {deadline:%d-%m-%Y}")
    ).to_be_visible()
    expect(status(page)).to_have_text("in behandeling")
    log_out(page)

    # Staff follow the notice of the answer back to the application and grant it.
    log_in(page, staff.email)
    page.get_by_role("navigation").get_by_role("link", name="Meldingen").click()
    page.get_by_role("button", name=re.compile("heeft gereageerd op het verzoek")).click()
    grant = page.locator("form[action$='/grant']")
    amount = grant.get_by_label("Te verlenen bedrag")
    expect(amount).to_have_value("8250")  # whole euros, as amount fields show them
    grant.get_by_label("Voorwaarden").fill("De verlichting blijft ten minste 5 jaar hangen.")
    grant.get_by_role("button", name="Verlenen").click()
    expect(page.get_by_text(eur("Verleend: € 8.250,00."))).to_be_visible()
    expect(status(page)).to_have_text("verleend")

    # The grant letter downloads as a PDF with the dossier number and the amount.
    with page.expect_download() as download:
        page.get_by_role("link", name="Verleningsbeschikking (pdf)").click()
    letter = download.value
    assert letter.suggested_filename == f"grant-{number}.pdf"
    text = "".join(p.extract_text() for p in PdfReader(letter.path()).pages)
    assert number in text and "8.250,00" in text
    # The objection clause: six weeks from the day after the letter was sent (Awb 6:7, 6:8).
    words = " ".join(text.split())
    assert "bezwaar maken" in words and "binnen zes weken" in words

    # The advance: 80 % of the grant.
    page.get_by_role("button", name=eur("Voorschot van € 6.600,00 betalen")).click()
    expect(page.get_by_text("Het voorschot is betaald en geboekt.")).to_be_visible()
    expect(status(page)).to_have_text("voorschot betaald")
    expect(page.locator("#grant")).to_contain_text(eur("€ 6.600,00"))
    log_out(page)

    # The starter reads the notice and accounts for the actual costs.
    log_in(page, starter.email)
    page.get_by_role("navigation").get_by_role("link", name="Meldingen").click()
    notices = page.locator("ul.notifications")
    expect(notices).to_contain_text(
        eur(f"Een subsidie van € 8.250,00 is verleend voor dossier {number}.")
    )
    expect(notices).to_contain_text(
        eur(f"Voor dossier {number} is een voorschot van € 6.600,00 betaald.")
    )
    notices.get_by_role("button", name=re.compile("voorschot")).click()
    expect(status(page)).to_have_text("voorschot betaald")
    account = page.locator("form[action$='/accountability']")
    account.get_by_label(
        "Werkelijke kosten van ‘LED-verlichting en isolatie etalage’, excl. btw"
    ).fill("13.000,00")
    account.get_by_label("Werkelijke kosten van ‘Advies energielabel’, excl. btw").fill("2.500,00")
    account.get_by_label("Wat is er gedaan").fill("Verlichting en isolatie zijn aangebracht.")
    account.get_by_role("button", name="Verantwoording versturen").click()
    expect(page.get_by_text("Dank je: je verantwoording is binnen.")).to_be_visible()
    expect(status(page)).to_have_text("verantwoord")
    log_out(page)

    # Staff set the final amount on the actual costs and pay what is left.
    log_in(page, staff.email)
    page.get_by_role("navigation").get_by_role("link", name="Meldingen").click()
    page.get_by_role("button", name=re.compile(f"kosten van dossier {number}")).click()
    expect(page.locator("#final")).to_contain_text(eur("€ 15.500,00"))
    settle = page.locator("form[action$='/settle']")
    expect(settle.get_by_label("Vastgesteld bedrag")).to_have_value("7750")
    settle.get_by_role("button", name="Subsidie vaststellen").click()
    expect(page.get_by_text(eur("De subsidie is vastgesteld op € 7.750,00."))).to_be_visible()
    expect(status(page)).to_have_text("vastgesteld")
    page.get_by_role("button", name=eur("€ 1.150,00 betalen en afsluiten")).click()
    expect(page.get_by_text("De betaling is geboekt; het dossier is afgesloten.")).to_be_visible()
    expect(status(page)).to_have_text("betaald")
    grant_facts = page.locator("#grant")
    expect(grant_facts).to_contain_text(eur("€ 7.750,00"))  # final amount and paid on balance
    log_out(page)

    # The starter sees the dossier closed with the amount paid.
    log_in(page, starter.email)
    page.goto("/my/subsidies")
    row = page.locator("main tbody tr", has_text="Duurzame winkel Koffie & Kaft")
    expect(row).to_contain_text("betaald")
    expect(row).to_contain_text(eur("€ 7.750,00"))
    page.get_by_role("navigation").get_by_role("link", name="Meldingen").click()
    expect(page.locator("ul.notifications")).to_contain_text(
        eur(f"Voor dossier {number} is € 1.150,00 betaald; het dossier is afgesloten.")
    )
    log_out(page)

    # The ledger: everything paid from the bank, nothing owed any more, every posting balanced.
    db.session.expire_all()
    application = db.session.scalar(sa.select(SubsidyApplication))
    assert application.paid_cents == application.final_cents == 7_750_00
    org = organisation.id
    assert ledger.balance(org, ledger.bank(org)) == -7_750_00
    assert ledger.balance(org, subsidies.payable_account(application.id)) == 0
    assert ledger.total_of_all_entries() == 0
    assert page.console_errors == []
    assert page.csp_violations == []
