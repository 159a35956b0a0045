"""The three preset subsidy schemes, and an application in each state of the procedure, taken
there step by step through the services on the days it happened (dossier numbers, decision
clock, budget and ledger as real use leaves them)."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from vrijstad.demo.base import Demo
from vrijstad.subsidies import services as subsidies
from vrijstad.subsidies.documents import send_grant_letter, send_rejection_letter
from vrijstad.subsidies.models import (
    ApplicantKind,
    CostCategory,
    DocumentKind,
    Preset,
    SubsidyApplication,
)
from vrijstad.subsidies.models import SubsidyStatus as S

#: The steps of the procedure in order, and the day (after the start) each was taken.
STEPS = {
    "intake": 2,
    "submit": 7,
    "review": 9,
    "ask": 14,
    "grant": 40,
    "reject": 40,
    "advance": 47,
    "account": 200,
    "settle": 230,
    "pay": 240,
    "reclaim": 240,
}
PATHS = {
    S.INTAKE: [],
    S.DRAFT: ["intake"],
    S.SUBMITTED: ["intake", "submit"],
    S.IN_REVIEW: ["intake", "submit", "review"],
    S.INFO_REQUESTED: ["intake", "submit", "review", "ask"],
    S.GRANTED: ["intake", "submit", "review", "grant"],
    S.REJECTED: ["intake", "submit", "review", "reject"],
    S.ADVANCE_PAID: ["intake", "submit", "review", "grant", "advance"],
    S.ACCOUNTED: ["intake", "submit", "review", "grant", "advance", "account"],
    S.SETTLED: ["intake", "submit", "review", "grant", "advance", "account", "settle"],
    S.PAID: ["intake", "submit", "review", "grant", "account", "settle", "pay"],
    S.RECLAIMED: ["intake", "submit", "review", "grant", "advance", "account", "settle", "reclaim"],
}


@dataclass(frozen=True)
class Case:
    status: S
    scheme: str
    applicant: str  # the part of the e-mail address before the @
    kind: ApplicantKind
    name: str
    kvk: str
    title: str
    description: str
    street: str
    days_ago: int
    #: (description, category, euros excluding VAT, supplier)
    costs: list = field(default_factory=list)
    #: The actual costs at accountability, in percent of the quotes.
    actual_pct: int = 100


CASES = [
    Case(
        S.DRAFT,
        "facade",
        "starter",
        ApplicantKind.STARTER,
        "Amira's Atelier",
        "81234567",
        "Nieuwe pui en uithangbord",
        "De oude pui vervangen door een houten pui met grote "
        "etalage, en een uithangbord dat bij de straat past.",
        "Brugstraat",
        5,
        [("Houten pui met etalage", CostCategory.FACADE, 18_400, "Timmerbedrijf Visser")],
    ),
    Case(
        S.INTAKE,
        "facade",
        "eigenaar2",
        ApplicantKind.LANDLORD,
        "Woonstichting De Brug",
        "41234567",
        "Gevelherstel Brugstraat",
        "Herstel van metselwerk en kozijnen van drie winkelpanden, met nieuwe etalages.",
        "Brugstraat",
        3,
    ),
    Case(
        S.SUBMITTED,
        "starter_rent",
        "starter2",
        ApplicantKind.STARTER,
        "Koffie & Kaft",
        "82345678",
        "Huur eerste jaar Koffie & Kaft",
        "Bijdrage in de huur van het eerste jaar voor de koffiebar met boeken.",
        "Havenkade",
        10,
        [("Kale huur eerste jaar", CostCategory.RENT, 14_400, None)],
    ),
    Case(
        S.IN_REVIEW,
        "starter_rent",
        "starter7",
        ApplicantKind.STARTER,
        "Bakkerij Korrel",
        "87890123",
        "Huur eerste jaar Bakkerij Korrel",
        "Bijdrage in de huur van het eerste jaar voor de zuurdesembakkerij.",
        "Markt",
        16,
        [("Kale huur eerste jaar", CostCategory.RENT, 9_600, None)],
    ),
    Case(
        S.INFO_REQUESTED,
        "hirb_plus",
        "verhuurder",
        ApplicantKind.LANDLORD,
        "Henk Jansen Vastgoed",
        "42345678",
        "Onderzoek wonen boven winkels",
        "Onderzoek naar "
        "woningen op de verdiepingen boven de winkels in de Lange Nieuwstraat, zodat de "
        "straat levendiger wordt.",
        "Lange Nieuwstraat",
        30,
        [("Haalbaarheidsonderzoek", CostCategory.RESEARCH, 24_000, "Bureau Stadskern")],
    ),
    Case(
        S.GRANTED,
        "starter_rent",
        "starter4",
        ApplicantKind.STARTER,
        "Bloem & Bij",
        "84567890",
        "Huur eerste jaar Bloem & Bij",
        "Bijdrage in de huur van het eerste jaar voor de bloemenwinkel aan de Hoogstraat.",
        "Hoogstraat",
        55,
        [("Kale huur eerste jaar", CostCategory.RENT, 8_700, None)],
    ),
    Case(
        S.REJECTED,
        "starter_rent",
        "starter8",
        ApplicantKind.STARTER,
        "De Kaaskamer",
        "88901234",
        "Huur eerste jaar De Kaaskamer",
        "Bijdrage in de huur van het eerste jaar voor de kaaswinkel.",
        "Lange Nieuwstraat",
        60,
        [("Kale huur eerste jaar", CostCategory.RENT, 7_800, None)],
    ),
    Case(
        S.ADVANCE_PAID,
        "hirb_plus",
        "manager",
        ApplicantKind.ORGANISATION,
        "Binnenstadsmanagement Dijkerveen",
        "90412873",
        "Procesbegeleiding aanloopstraten",
        "Een jaar procesbegeleiding om de ondernemers en eigenaren van de aanloopstraten te "
        "organiseren rond een gezamenlijk plan tegen leegstand.",
        "Molenstraat",
        90,
        [
            ("Procesbegeleider, 300 uur", CostCategory.PROCESS_SUPPORT, 30_000, "Stadsregie Oost"),
            ("Bijeenkomsten en communicatie", CostCategory.ORGANISING, 6_000, None),
        ],
    ),
    Case(
        S.ACCOUNTED,
        "starter_rent",
        "starter6",
        ApplicantKind.STARTER,
        "Vinyl & Vers",
        "86789012",
        "Huur eerste jaar Vinyl & Vers",
        "Bijdrage in de huur van het eerste jaar voor de platenzaak met luisterbar.",
        "Kerkstraat",
        220,
        [("Kale huur eerste jaar", CostCategory.RENT, 11_000, None)],
    ),
    Case(
        S.SETTLED,
        "starter_rent",
        "starter5",
        ApplicantKind.STARTER,
        "Fietsmakerij Dijkerveen",
        "85678901",
        "Huur eerste jaar Fietsmakerij",
        "Bijdrage in de huur van het eerste jaar voor de fietsenmaker aan de Markt.",
        "Markt",
        260,
        [("Kale huur eerste jaar", CostCategory.RENT, 10_400, None)],
    ),
    Case(
        S.PAID,
        "facade",
        "eigenaar3",
        ApplicantKind.LANDLORD,
        "Familie Visser",
        "43456789",
        "Nieuwe etalage Molenstraat",
        "Een nieuwe etalage en luifel voor het pand aan de "
        "Molenstraat, in de kleuren van de straat.",
        "Molenstraat",
        320,
        [("Etalage en luifel", CostCategory.FACADE, 14_000, "Glas & Gevel Dijkerveen")],
        94,
    ),
    Case(
        S.RECLAIMED,
        "starter_rent",
        "starter9",
        ApplicantKind.STARTER,
        "Studio Klei",
        "89012345",
        "Huur eerste jaar Studio Klei",
        "Bijdrage in de huur van het eerste jaar voor het keramiekatelier.",
        "Molenstraat",
        300,
        [("Kale huur eerste jaar", CostCategory.RENT, 9_000, None)],
        40,
    ),
]


def build_subsidies(demo: Demo) -> None:
    """The preset schemes, then each case from its start to its state."""
    schemes = {
        key: subsidies.create_preset(demo.manager, demo.organisation, key)
        for key in subsidies.PRESETS
    }
    streets = {s.name: s for area in demo.areas for s in area.streets}
    for case in CASES:
        _tell(demo, schemes[Preset(case.scheme)], streets[case.street].id, case)


def _tell(demo: Demo, scheme, street_id: int, case: Case) -> SubsidyApplication:
    start = demo.ago(case.days_ago)
    applicant, manager = demo.user(case.applicant), demo.manager

    def on(step: str) -> date:
        return start + timedelta(days=STEPS[step])

    data = subsidies.ApplicationData(
        case.kind,
        case.name,
        case.kvk,
        case.title,
        case.description,
        work_starts_on=start + timedelta(days=50),
        street_id=street_id,
    )
    application = subsidies.start_application(applicant, scheme, data, on=start)
    for step in PATHS[case.status]:
        if step == "intake":
            subsidies.record_intake(
                manager,
                application,
                "Plan besproken in het intakegesprek; offertes en stukken volgen.",
            )
            _complete(demo, applicant, application, case)
        elif step == "submit":
            subsidies.submit_application(applicant, application, demo.moment(on(step)))
        elif step == "review":
            subsidies.start_review(manager, application)
        elif step == "ask":
            subsidies.request_information(
                manager,
                application,
                "Wilt u de begroting per fase uitsplitsen en de planning meesturen?",
                on=on(step),
            )
        elif step == "grant":
            conditions = "Het werk is binnen een jaar klaar; verantwoording met facturen."
            for colleague in (manager, demo.staff):  # above the four-eyes amount: two grant
                if application.status == S.IN_REVIEW:
                    subsidies.grant(colleague, application, conditions=conditions, on=on(step))
            send_grant_letter(application)  # the letter and notice follow the decision
        elif step == "reject":
            subsidies.reject(
                manager,
                application,
                "De huur wordt al met korting betaald via "
                "de collectieve verhuur; dubbele steun is niet toegestaan.",
                on=on(step),
            )
            send_rejection_letter(application)
        elif step == "advance":
            subsidies.pay_advance(manager, application, on=on(step))
        elif step == "account":
            actuals = {
                line.id: line.amount_cents * case.actual_pct // 100
                for line in application.cost_lines
            }
            subsidies.submit_accountability(
                applicant,
                application,
                actuals,
                "Het werk is gedaan; de facturen zijn bijgevoegd.",
                on=on(step),
            )
        elif step == "settle":
            subsidies.settle(manager, application, on=on(step))
        elif step == "pay":
            subsidies.pay_balance(manager, application, on=on(step))
        elif step == "reclaim":
            subsidies.record_reclaim(manager, application, on=on(step))
    return application


def _complete(demo: Demo, applicant, application: SubsidyApplication, case: Case) -> None:
    """The cost lines with their quotes, and the documents the scheme asks for."""
    for description, category, euros, supplier in case.costs:
        subsidies.add_cost_line(
            applicant,
            application,
            description,
            category,
            euros * 100,
            supplier=supplier,
            quote=demo.pdf(f"Offerte {description}"),
        )
    required = application.scheme.required_documents
    if case.status == S.DRAFT:  # still being completed: only the KvK extract is in
        required = required[:1]
    for kind in required:
        filename, data = demo.pdf(subsidies.document_label(DocumentKind(kind)))
        subsidies.add_document(applicant, application, kind, filename, data)
