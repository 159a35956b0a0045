"""Win een winkel in three phases: a call open for entries on the Havenkade, a jury at work on
the Stationsweg, and a winner of some months ago in her prize period on the Molenstraat."""

from datetime import date, timedelta

from vrijstad.clock import add_months, month_start
from vrijstad.contests import services as contests
from vrijstad.contests.models import Contest, PrizeKind
from vrijstad.demo.base import Demo, start_placement
from vrijstad.starters.models import BranchGroup

CRITERIA = [
    ("Creativiteit", 20),
    ("Ondernemerschap", 20),
    ("Financiële haalbaarheid", 25),
    ("Visie op meerdere jaren", 15),
    ("Toegevoegde waarde voor de binnenstad", 20),
]
SLIDING = [
    {"from": 1, "to": 6, "pct_bp": 10000},
    {"from": 7, "to": 8, "pct_bp": 7500},
    {"from": 9, "to": 10, "pct_bp": 5000},
    {"from": 11, "to": 12, "pct_bp": 2500},
]
#: Entries: starter (part of the e-mail before the @) → the plan in brief.
PLANS = {
    "starter2": (
        "Koffie & Kaft",
        BranchGroup.LEISURE_HORECA,
        "Een koffiebar met tweedehands boeken: de straat mist een plek om even te zitten.",
        "Boeken op gewicht, koffie van een branderij uit de stad.",
        "Studenten, forenzen en gepensioneerde lezers.",
        "Koffie en gebak; boeken met een kleine marge.",
        "In het eerste jaar quitte spelen, in het derde jaar een tweede vestiging.",
        "Hulp bij de boekhouding en een goede espressomachine.",
    ),
    "starter": (
        "Amira's Atelier",
        BranchGroup.FASHION_LUXURY,
        "Handgemaakte tassen uit restleer, met een werkplaats achter de toonbank.",
        "Klanten zien hun tas ontstaan en laten oude tassen repareren.",
        "Mensen die duurzaam en lokaal willen kopen.",
        "Verkoop van tassen, reparaties en workshops.",
        "Na een jaar twee medewerkers en een webwinkel.",
        "Advies over huur en inkoop van leer.",
    ),
    "starter7": (
        "Bakkerij Korrel",
        BranchGroup.DAILY_GOODS,
        "Een zuurdesembakkerij waar je het brood ziet bakken.",
        "Alleen lang gerezen brood, met graan van de boer om de hoek.",
        "Buurtbewoners en ondernemers die 's ochtends langs komen.",
        "Brood, koffie en bestellingen voor de horeca in de stad.",
        "Binnen twee jaar vijf restaurants als vaste afnemers.",
        "Een oven die past en hulp bij de vergunning.",
    ),
    "starter9": (
        "Studio Klei",
        BranchGroup.LEISURE_GOODS,
        "Een keramiekatelier met winkel, waar je ook les kunt nemen aan de draaischijf.",
        "Alles wordt in de winkel zelf gemaakt en gebakken.",
        "Cadeaukopers, cursisten en restaurants die eigen servies willen.",
        "Verkoop, cursussen en opdrachten voor de horeca.",
        "Na een jaar vier cursussen per week en vaste klanten in de horeca.",
        "Een goede plek voor de oven en hulp bij marketing.",
    ),
}


def _data(
    demo: Demo, title: str, description: str, unit_id: int, opens: date, winner_on: date, **extra
) -> contests.ContestData:
    """A call's terms with its phases from the day it opens to the winner's first month."""
    return contests.ContestData(
        title=title,
        description=description,
        unit_ids=[unit_id],
        prize_kind=PrizeKind.SLIDING,
        discount_schedule=SLIDING,
        prize_budget_cents=1_500_000,
        prize_coaching="Een jaar coaching door de ondernemersvereniging.",
        entries_open_on=opens,
        entries_close_on=opens + timedelta(days=25),
        shortlist_on=opens + timedelta(days=30),
        pitch_on=winner_on - timedelta(days=5),
        winner_on=winner_on,
        starts_on=add_months(month_start(winner_on), 1),
        lease_months=12,
        criteria=CRITERIA,
        min_entries=3,
        max_finalists=3,
        lease_terms="Na de prijsperiode geldt de gewone huur; waarborgsom twee maanden.",
        exclusions_note="Geen snackbars en geen bestaande ketens.",
        extra_winner_rule="Bij gelijke stand beslist de stem van de binnenstadsmanager.",
        **extra,
    )


def _enter(demo: Demo, contest: Contest, starters: list[str], on: date) -> dict:
    entries = {}
    for n, key in enumerate(starters):
        name, branch, *answers = PLANS[key]
        data = contests.EntryData(name, branch, contest.units[0].id, *answers)
        entries[key] = contests.submit_entry(
            demo.user(key), contest, data, today=on + timedelta(days=n)
        )
    return entries


def _jury(demo: Demo, contest: Contest, people: list[str]) -> None:
    for email in people:
        user = demo.users[email]
        juror = contests.invite_juror(demo.manager, contest, user.email, user.name)
        contests.accept_jury_invitation(juror, user)


def _score(demo: Demo, contest: Contest, email: str, entry, base: int) -> None:
    scores = {c.id: min(10, base + i % 3) for i, c in enumerate(contest.criteria)}
    contests.score_entry(demo.users[email], entry, scores)


def build_contests(demo: Demo) -> None:
    manager, today = demo.manager, demo.today
    staff, owner, owner2 = (
        demo.staff.email,
        "eigenaar3@vrijstad.example",
        "eigenaar2@vrijstad.example",
    )

    # Open for entries.
    opens = today - timedelta(days=7)
    data = _data(
        demo,
        "Win een winkel aan de Havenkade",
        "Heb je een winkelidee dat de Havenkade levendiger maakt? Win een jaar lang "
        "korting op de huur, een startbudget en coaching door ondernemers uit de "
        "binnenstad.",
        demo.units["Havenkade"][4].id,
        opens,
        today + timedelta(days=42),
        vote_open_on=today + timedelta(days=29),
        vote_close_on=today + timedelta(days=35),
        vote_share_bp=2000,
        excluded_branches=[BranchGroup.DAILY_GOODS.value],
    )
    contest = contests.create_contest(manager, demo.organisation, data, today=opens)
    contests.open_contest(manager, contest, today=opens)
    _jury(demo, contest, [staff])
    _enter(demo, contest, ["starter2", "starter"], opens + timedelta(days=2))

    # The jury at work: two finalists, one of them scored by both jurors.
    opens = today - timedelta(days=60)
    data = _data(
        demo,
        "Win een winkel aan de Stationsweg",
        "Een winkel aan de entree van de stad: wie geeft forenzen en bezoekers een "
        "reden om te blijven? De winnaar krijgt een jaar korting en coaching.",
        demo.units["Stationsweg"][5].id,
        opens,
        today + timedelta(days=12),
    )
    contest = contests.create_contest(manager, demo.organisation, data, today=opens)
    contests.open_contest(manager, contest, today=opens)
    entries = _enter(demo, contest, ["starter", "starter7", "starter2"], opens + timedelta(days=4))
    contests.close_entries(manager, contest, today=opens + timedelta(days=26))
    contests.shortlist(manager, contest, [entries["starter"].id, entries["starter7"].id])
    _jury(demo, contest, [staff, owner])
    contests.start_judging(manager, contest)
    _score(demo, contest, staff, entries["starter"], 6)
    _score(demo, contest, staff, entries["starter7"], 7)
    _score(demo, contest, owner, entries["starter7"], 8)

    # Won some months ago: the prize became a placement with the sliding discount, now running.
    opens = today - timedelta(days=200)
    unit = demo.units["Molenstraat"][4]
    winner_on = opens + timedelta(days=45)
    data = _data(
        demo,
        "Win een winkel aan de Molenstraat",
        "De Molenstraat zoekt een maker: win een pand met een jaar aflopende korting "
        "op de huur, een startbudget van € 15.000 en coaching.",
        unit.id,
        opens,
        winner_on,
    )
    contest = contests.create_contest(manager, demo.organisation, data, today=opens)
    contests.open_contest(manager, contest, today=opens)
    entries = _enter(demo, contest, ["starter9", "starter7", "starter"], opens + timedelta(days=3))
    contests.close_entries(manager, contest, today=opens + timedelta(days=26))
    contests.shortlist(manager, contest, [entries["starter9"].id, entries["starter7"].id])
    _jury(demo, contest, [staff, owner2])
    contests.start_judging(manager, contest)
    for email in (staff, owner2):
        _score(demo, contest, email, entries["starter9"], 8)
        _score(demo, contest, email, entries["starter7"], 6)
    contests.close_judging(manager, contest)
    (award,) = contests.announce_winners(
        manager, contest, {unit.id: entries["starter9"].id}, today=winner_on
    )
    start_placement(award.placement)
    contests.start_prize_period(manager, contest, today=today)
    demo.vacancies[unit.id] = [(demo.vacancies[unit.id][0][0], winner_on)]
