"""Who may do what, for every route the app has.

The table below says, per endpoint, who is allowed to GET it and who to POST to it. Everyone
else gets a redirect to the login page (anonymous) or a 403/404 (everyone signed in). A new
route that is not in the table fails the test, so no route ships without a rule.

GET is asked of everyone. POST is asked only of those who are refused (an allowed POST changes
things, and each feature's own tests cover it), and the database must be unchanged afterwards.
"""

import pytest
import sqlalchemy as sa

from tests.security.matrix import DENIED, ERROR, LOGIN, OK, classify, clients, routes, url_for_rule
from tests.security.world import ROLES, build_world
from vrijstad.extensions import db

ALL = frozenset(ROLES)
USERS = ALL - {"anonymous"}
NOBODY: frozenset[str] = frozenset()
STAFF_X = frozenset({"staff_x", "admin"})  # the organisation of the world's objects, or admins
ORG_ADMIN_X = STAFF_X  # staff_x is an admin of organisation X
LANDLORD_SIDE = frozenset({"landlord_a"}) | STAFF_X  # landlord A's unit: owner and its staff
STARTERS = frozenset({"starter_a", "starter_b"})
LANDLORDS = frozenset({"landlord_a", "landlord_b"})
LISTERS = LANDLORDS | {"staff_x", "staff_y", "admin"}  # who may put a unit on the platform
STARTER_A = frozenset({"starter_a"})
STARTER_B = frozenset({"starter_b"})  # the applicant of the world's subsidy application
JUROR = frozenset({"juror"})  # on the jury of organisation X's contest, no other rights

#: endpoint: (allowed to GET, allowed to POST). None: the route has no such method.
RULES: dict[str, tuple[frozenset | None, frozenset | None]] = {
    "api-docs.openapi_json": (ALL, None),  # open data: public (a token shows more)
    "api.area": (ALL, None),
    "api.area_vacancy": (ALL, None),
    "api.areas": (ALL, None),
    "api.area_footfall": (ALL, None),
    "api.push_footfall": (None, NOBODY),  # an API token only: a session is not one (401)
    "api.unit": (ALL, None),
    "api.units": (ALL, None),
    "forecast.area": (STAFF_X, None),
    "bylaw.overview": (STAFF_X, ORG_ADMIN_X),  # staff see it; an admin records the bylaw
    "bylaw.case": (STAFF_X, None),  # a unit of organisation X's area
    "bylaw.consult": (None, STAFF_X),
    "bylaw.escalate": (None, STAFF_X),
    "bylaw.letter": (STAFF_X, None),  # the world's case has a reminder
    "bylaw.remind": (None, STAFF_X),
    "bylaw.report": (None, STAFF_X),
    "footfall.area": (STAFF_X, None),
    "footfall.counters": (STAFF_X, STAFF_X),
    "footfall.upload": (STAFF_X, STAFF_X),
    "history.upload": (STAFF_X, STAFF_X),  # the vacancy history of organisation X's area
    "opendata.bag": (STAFF_X, STAFF_X),
    "opendata.kvk": (STAFF_X, STAFF_X),
    "opendata.hidden_list": (STAFF_X, None),
    "opendata.hidden_download": (STAFF_X, None),
    "opendata.follow_up": (None, STAFF_X),
    "todo.index": ({"staff_x", "staff_y", "admin"}, None),  # each their own organisations' tasks
    "api_tokens.create": (None, ORG_ADMIN_X),
    "api_tokens.index": (ORG_ADMIN_X, None),
    "api_tokens.revoke": (None, ORG_ADMIN_X),
    "dashboard.area": (STAFF_X, None),
    "dashboard.download": (STAFF_X, None),
    "dashboard.index": ({"staff_x", "staff_y", "admin"}, None),  # each their own areas
    "dashboard.map_points": (STAFF_X, None),
    "dashboard.references": (ORG_ADMIN_X, ORG_ADMIN_X),
    "dashboard.snapshot": (None, STAFF_X),
    "dashboard.story": (STAFF_X, STAFF_X),
    "streets.page": (ALL, None),  # a street's public page
    "scenarios.index": (STAFF_X, None),  # scenarios of organisation X's area
    "scenarios.new": (STAFF_X, STAFF_X),
    "scenarios.detail": (STAFF_X, None),
    "scenarios.edit": (STAFF_X, STAFF_X),
    "scenarios.recompute": (None, STAFF_X),
    "scenarios.duplicate": (None, STAFF_X),
    "scenarios.delete": (None, STAFF_X),
    "scenarios.compare": (STAFF_X, None),  # without two chosen: back to the list
    "saved.delete_search": (None, STARTER_A),  # the world's saved search is starter A's
    "saved.edit_search": (None, STARTER_A),
    "saved.favourite": (None, STARTERS),  # the heart on a public unit
    "saved.favourites": (STARTERS, None),
    "saved.new_search": (STARTERS, STARTERS),
    "saved.searches": (STARTERS, None),
    "saved.unsubscribe": (ALL, ALL),  # the signed link in the digest works without login
    "streets.street_index": (ALL, None),  # every published street
    "admin.organisations": ({"admin"}, {"admin"}),
    "admin.jobs": ({"admin"}, None),  # the operator view of jobs and queues
    "applications.accept": (None, STARTER_A),
    "applications.apply": (STARTERS, STARTERS),
    "applications.board": (LANDLORDS | STAFF_X, None),  # each sees only their own units
    "applications.decline": (None, STARTER_A),
    "applications.detail": (STARTER_A | LANDLORD_SIDE, None),
    "applications.make_offer": (None, LANDLORD_SIDE),
    "applications.mine": (USERS, None),
    "applications.move": (None, LANDLORD_SIDE),
    # Without an open offer (the world has none) both send the allowed back to the application.
    "applications.offer_agreement": (STARTER_A | LANDLORD_SIDE, None),
    "applications.plan": (STARTER_A | LANDLORD_SIDE, None),
    "applications.plan_viewing": (None, LANDLORD_SIDE),
    "applications.review_offer": (STARTER_A, None),
    "applications.post_message": (None, STARTER_A | LANDLORD_SIDE),
    "applications.viewing_ics": (STARTER_A | LANDLORD_SIDE, None),
    "applications.withdraw": (None, STARTER_A),
    "applications.withdraw_offer": (None, LANDLORD_SIDE),
    "areas.add_street": (None, STAFF_X),
    "areas.detail": (STAFF_X, None),
    "areas.set_pilot": (None, STAFF_X),
    "auth.account": (USERS, None),
    "auth.change_email": (None, USERS),
    "auth.change_password": (None, USERS),
    "auth.login": (ALL, ALL),
    # The second step: without a correct password moments ago it sends back to the login.
    "auth.login_code": (USERS, USERS),
    "auth.two_factor_page": (USERS, None),
    "auth.enable_two_factor": (None, USERS),
    "auth.regenerate_recovery_codes": (None, USERS),
    "auth.disable_two_factor": (None, USERS),
    "auth.logout": (None, ALL),  # signing out twice does no harm
    "auth.register": (ALL, ALL),
    "auth.reset_password": (ALL, ALL),
    "auth.reset_request": (ALL, ALL),
    "auth.set_language": (None, ALL),
    "billing.decide_spending": (None, ORG_ADMIN_X),
    "billing.download": (STAFF_X, None),  # a ZIP file a job made for the collective's staff
    "billing.generate": (None, STAFF_X),
    "billing.invoice_pdf": (STARTER_A | STAFF_X, None),
    "billing.invoice_pdfs": (None, STAFF_X),
    "billing.propose_spending": (None, STAFF_X),
    "billing.receivables_csv": (STAFF_X, None),
    "billing.receivables_page": (STAFF_X, None),
    "billing.record_payment": (None, STAFF_X),
    "billing.send_reminders": (None, STAFF_X),
    "billing.settle": (None, STAFF_X),
    "billing.settle_all": (None, STAFF_X),
    "billing.settlement": (STAFF_X, None),
    "billing.settlement_action": (None, ORG_ADMIN_X),
    "billing.statement_csv": ({"landlord_a"}, None),
    "billing.statement_pdf": ({"landlord_a"}, None),
    "billing.statements": (USERS, None),
    "contests.announce": (None, STAFF_X),
    "contests.confirm_vote": (ALL, ALL),  # the signed link decides (this one is unknown)
    "contests.conflict": (None, JUROR),
    "contests.create": (STAFF_X, STAFF_X),
    "contests.detail": (ALL, None),  # a published contest is public
    "contests.edit": (STAFF_X, STAFF_X),
    "contests.entry": (STARTERS, STARTERS),
    "contests.entry_detail": (STARTER_A | STAFF_X | JUROR, None),  # jurors: finalists only
    "contests.evaluate": (None, STAFF_X),
    "contests.extend_deadline": (None, STAFF_X),
    "contests.index": (ALL, None),
    "contests.invite_juror": (None, STAFF_X),
    "contests.jury": (JUROR, None),
    "contests.jury_invitation": (ALL, ALL),  # the token decides (this one is unknown)
    "contests.manage": (STAFF_X, None),
    "contests.publish_erratum": (None, STAFF_X),
    "contests.plan": (STARTER_A | STAFF_X | JUROR, None),
    "contests.score": (None, JUROR),
    "contests.shortlist": (None, STAFF_X),
    "contests.transition": (None, STAFF_X),
    "contests.vote": (None, ALL),  # the public vote: the e-mailed link confirms it
    "contests.withdraw_entry": (None, STARTER_A),
    "legal.accept": (USERS, USERS),  # asks only when a new version is out; else goes on
    "legal.edit": ({"admin"}, {"admin"}),
    "legal.manage": ({"admin"}, None),
    "legal.privacy": (ALL, None),
    "legal.terms": (ALL, None),
    "letting.add_head_lease": (None, STAFF_X),
    "letting.add_space": (None, STAFF_X),
    "letting.agreement": (STARTER_A | LANDLORD_SIDE, None),
    "letting.collective": (STAFF_X, None),
    "letting.collectives": (STAFF_X, STAFF_X),
    "letting.evidence": (STARTER_A | STAFF_X, None),
    "letting.head_lease_status": (None, STAFF_X),
    "letting.my_placements": (USERS, None),
    "letting.placement_money": (STARTER_A | STAFF_X, None),  # deposit, annual settlement
    "letting.return_deposit": (None, STAFF_X),
    "letting.deposit_transfer": (None, STAFF_X),
    "letting.deposit_transfer_file": (STAFF_X, None),
    "letting.bank_guarantee": (None, STAFF_X),
    "letting.reconcile_year": (None, STARTER_A | STAFF_X),
    "letting.report_turnover": (None, STARTER_A),
    "letting.review_turnover": (None, STAFF_X),
    "main.health": (ALL, None),
    "main.home": (ALL, None),
    "units.city_options": (ALL, None),
    "matching.allocate": (None, STAFF_X),
    "matching.allocation": (STAFF_X, None),
    "matching.allocation_run": (STAFF_X, None),
    "matching.allocation_run_csv": (STAFF_X, None),
    "matching.candidates": (LANDLORD_SIDE, None),
    "matching.invite": (None, LANDLORD_SIDE),
    "matching.invite_pairs": (None, STAFF_X),
    "matching.my_matches": (STARTERS, None),
    "matching.settings": (STAFF_X, STAFF_X),
    "matching.street_profile": (STAFF_X, STAFF_X),
    "notifications.index": (USERS, None),
    "notifications.open_one": (None, STARTER_A),
    "notifications.read_all": (None, USERS),
    "ops.healthz": (ALL, None),
    "ops.job_retry": (None, STARTER_A | {"admin"}),
    "ops.job_status": (STARTER_A | {"admin"}, None),
    "ops.readyz": (ALL, None),
    "organisations.accept_invitation": (ALL, ALL),  # the token decides (this one is unknown)
    "areas.create_area": (None, ORG_ADMIN_X),
    "organisations.detail": (STAFF_X, None),
    "organisations.index": (USERS, None),
    "organisations.invite": (None, ORG_ADMIN_X),
    "payments.bank_import": (STAFF_X, STAFF_X),
    "payments.bank_import_result": (STAFF_X, None),
    "payments.confirm_line": (None, STAFF_X),
    "payments.confirm_batch": (None, ORG_ADMIN_X),
    "payments.connect": (None, LANDLORDS),
    "payments.connect_return": (LANDLORDS, None),
    "payments.issues": (STAFF_X, None),
    "payments.pay": (STARTER_A, None),
    "payments.pay_out": (None, ORG_ADMIN_X),
    "payments.pay_return": (STARTER_A, None),
    "payments.payout_account": (LANDLORDS, LANDLORDS),
    "payments.payouts": (STAFF_X, None),
    "payments.reject_batch": (None, ORG_ADMIN_X),
    "payments.reject_line": (None, STAFF_X),
    "payments.remind_landlords": (None, STAFF_X),
    "payments.resolve_issue": (None, STAFF_X),
    "payments.sepa_file": (STAFF_X, None),
    "payments.stripe_webhook": (None, ALL),  # no session: the signature decides
    "popups.accept": (None, LANDLORD_SIDE),
    "popups.block": (None, LANDLORD_SIDE),
    "popups.book": (STARTERS, STARTERS),
    "popups.calendar": (ALL, None),  # a listed unit's calendar is public
    "popups.cancel": (None, STARTER_A | LANDLORD_SIDE),
    "popups.decline": (None, LANDLORD_SIDE),
    "popups.feed": (ALL, None),  # the secret link is the key
    "popups.mine": (USERS, None),
    "popups.price": (ALL, None),
    "popups.regenerate_token": (None, LANDLORD_SIDE),
    "popups.requests": (LANDLORD_SIDE, None),
    "popups.terms": (LANDLORD_SIDE, LANDLORD_SIDE),
    "popups.unblock": (None, LANDLORD_SIDE),
    "privacy.delete": (USERS, USERS),
    "privacy.export": (USERS, None),
    "relations.claim": (ALL, ALL),  # the signed link decides (its units are claimed already)
    "relations.create": (STAFF_X, STAFF_X),
    "relations.delete": (None, STAFF_X),
    "relations.detail": (STAFF_X, None),
    "relations.edit": (STAFF_X, STAFF_X),
    "relations.follow_up_done": (None, STAFF_X),
    "relations.index": (STAFF_X, None),
    "relations.invite": (None, STAFF_X),
    "relations.log_contact": (None, STAFF_X),
    "relations.message": (STAFF_X, STAFF_X),
    "relations.sent": (STAFF_X, None),
    "relations.start": ({"staff_x", "staff_y"}, None),  # each to their own organisation's list
    "starters.download_plan": (STARTER_A, None),
    "starters.profile": (STARTERS, STARTERS),
    "starters.upload_plan": (None, STARTERS),
    "subsidies.account": (None, STARTER_B),
    "subsidies.add_cost": (None, STARTER_B),
    "subsidies.add_quote": (None, STARTER_B),
    "subsidies.answer": (None, STARTER_B | STAFF_X),
    "subsidies.apply": (STARTERS, STARTERS),  # the starter rent scheme: starters only
    "subsidies.create_preset": (None, STAFF_X),
    "subsidies.detail": (STARTER_B | STAFF_X, None),
    "subsidies.document": (STARTER_B | STAFF_X, None),
    "subsidies.edit": (None, STARTER_B),
    "subsidies.edit_scheme": (STAFF_X, STAFF_X),
    "subsidies.export": (STAFF_X, None),
    "subsidies.extend": (None, STAFF_X),
    "subsidies.grant": (None, STAFF_X),
    "subsidies.grant_letter": (NOBODY, None),  # the world's application is not granted yet
    "subsidies.rejection_letter": (NOBODY, None),  # nor rejected: the file is 404 to all
    "subsidies.index": (ALL, None),
    "subsidies.intake": (None, STAFF_X),
    "subsidies.mine": (USERS, None),
    "subsidies.new_scheme": (STAFF_X, STAFF_X),
    "subsidies.organisation": (STAFF_X, None),
    "subsidies.overview": (STAFF_X, None),
    "subsidies.reject": (None, STAFF_X),
    "subsidies.remove_cost": (None, STARTER_B),
    "subsidies.remove_document": (None, STARTER_B),
    "subsidies.request_info": (None, STAFF_X),
    "subsidies.scheme": (ALL, None),
    "subsidies.settle": (None, STAFF_X),
    "subsidies.step": (None, STAFF_X),
    "subsidies.submit": (None, STARTER_B),
    "subsidies.upload": (None, STARTER_B),
    "subsidies.withdraw": (None, STARTER_B),
    "units.change_status": (None, LANDLORD_SIDE),
    "units.create": (LISTERS, LISTERS),
    "units.detail": (ALL, None),  # a listed unit is public; a let one shows it is let
    "units.edit": (LANDLORD_SIDE, LANDLORD_SIDE),
    "units.index": (ALL, None),
    "units.map_data": (ALL, None),
    "units.mine": (USERS, None),
    "units.organisation_units": (STAFF_X, None),
    "units.photo_action": (None, LANDLORD_SIDE),
    "units.photo_file": (ALL, None),  # a listed unit's photos are public
    "units.upload_photo": (None, LANDLORD_SIDE),
    "units.validate_field": (None, LISTERS),
    "units_import.export_units": (STAFF_X, None),
    "units_import.import_result": (STAFF_X, None),
    "units_import.import_units": (STAFF_X, STAFF_X),
    "units_wizard.new_facts": (LANDLORDS, LANDLORDS),  # the wizard lists the landlord's own unit
    "units_wizard.start": (LANDLORDS, LANDLORDS),
    "units_wizard.step": (LANDLORD_SIDE, LANDLORD_SIDE),
    "verification.confirm": (ALL, None),  # the mailed link; a bad one is answered, not hidden
    "verification.resend": (None, USERS),
}

#: Where a refused anonymous visitor gets a 404 rather than the login page.
ANONYMOUS_DENIED = {"ops.job_status", "ops.job_retry"}
#: Where everyone without an API token is asked for one (401), signed in or not.
TOKEN_ONLY = {"api.push_footfall"}


def expected(endpoint: str, allowed: frozenset, role: str) -> str:
    if role in allowed:
        return OK
    if endpoint in TOKEN_ONLY:
        return LOGIN
    if role == "anonymous" and endpoint not in ANONYMOUS_DENIED:
        return LOGIN
    return DENIED


def fingerprint() -> dict[str, int]:
    """Row counts of every table: a refused request must leave all of them as they were."""
    return {
        table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


@pytest.fixture
def world(app, ctx, make_org, make_user):
    return build_world(app, make_org, make_user)


def test_every_route_has_a_rule(app):
    endpoints = {endpoint for endpoint, _method, _rule in routes(app)}
    assert sorted(endpoints - set(RULES)) == [], "routes without a rule in the access matrix"
    assert sorted(set(RULES) - endpoints) == [], "rules for routes that no longer exist"
    for endpoint, method, _rule in routes(app):
        get_rule, post_rule = RULES[endpoint]
        assert (get_rule if method == "GET" else post_rule) is not None, (endpoint, method)


def test_access_matrix(app, world):
    people = clients(app, world)
    wrong = []
    for endpoint, method, rule in routes(app):
        if method != "GET" or endpoint not in RULES:
            continue
        url = url_for_rule(rule, world)
        for role in ROLES:
            answer = classify(people[role].get(url))
            if answer != expected(endpoint, RULES[endpoint][0], role):
                wrong.append(f"GET {url} ({endpoint}) as {role}: {answer}")
    before = fingerprint()
    for endpoint, method, rule in routes(app):
        if method != "POST" or endpoint not in RULES:
            continue
        url = url_for_rule(rule, world)
        allowed = RULES[endpoint][1]
        for role in ROLES:
            if role in allowed:
                continue
            answer = classify(people[role].post(url, data={}))
            if answer != expected(endpoint, allowed, role):
                wrong.append(f"POST {url} ({endpoint}) as {role}: {answer}")
    db.session.expire_all()
    after = fingerprint()
    changed = {name: (before[name], after[name]) for name in before if before[name] != after[name]}
    assert changed == {}, f"refused requests wrote rows: {changed}"
    assert wrong == [], "\n".join(wrong)
    assert ERROR not in "".join(wrong)
