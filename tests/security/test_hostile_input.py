"""Hostile input: every method on every route; extreme integers and far dates in every form field
and query parameter; JSON and multipart bodies; bursts of identical requests; generated form
data and query strings; stored XSS in every free-text column, open redirects, uploads with path
tricks. No 500, no traceback in the log, nothing written by a refused request, nothing
unescaped."""

import io
import json
import logging
from datetime import timedelta
from functools import cache
from urllib.parse import urlsplit

import flask_wtf
import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wtforms.fields.core import UnboundField

from tests.security.matrix import (
    DENIED,
    LOGIN,
    METHODS,
    classify,
    clients,
    routes,
    rules,
    url_for_rule,
)
from tests.security.world import ROLES, build_world
from vrijstad import clock
from vrijstad.extensions import db
from vrijstad.forms import FlaskForm

PAYLOAD = '"><svg onload=alert(7)>'  # 23 characters: fits most text columns
#: Columns that are not free text: identifiers, keys, codes a form checks by pattern.
NOT_FREE_TEXT = (
    "email",
    "token",
    "key",
    "hash",
    "iban",
    "sha",
    "filename",
    "thumbnail",
    "kvk",
    "btw",
    "postcode",
    "url",
    "locale",
    "currency",
    "reference",
    "source",
    "number",
    "bag_id",
    "house_letter",
    "status",
    "kind",
    "code",
    "transfer_id",
    "account_id",
    "intent_id",
    "event_id",
    "stripe",
    "vat",
    "city",
    "label",
    "batch",
    "period",
    "secret",
)


@pytest.fixture
def world(app, ctx, make_org, make_user):
    return build_world(app, make_org, make_user)


def row_counts() -> tuple[int, ...]:
    """Every table's row count in one round trip."""
    tables = db.metadata.sorted_tables
    query = sa.union_all(
        *[
            sa.select(sa.literal(index).label("i"), sa.func.count().label("n")).select_from(table)
            for index, table in enumerate(tables)
        ]
    )
    counts = dict(db.session.execute(query).all())
    return tuple(counts[index] for index in range(len(tables)))


@cache
def unbound_fields() -> dict[str, list[UnboundField]]:
    """Every form field name of the app, with its declarations in the forms using it."""
    import vrijstad.models  # noqa: F401 - every feature imported, so every form is defined

    fields: dict[str, list[UnboundField]] = {}
    stack = list(flask_wtf.FlaskForm.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        for klass in cls.__mro__:
            for name, value in vars(klass).items():
                if isinstance(value, UnboundField):
                    fields.setdefault(name, []).append(value)
    return fields


def form_fields() -> dict[str, set[type]]:
    """Every form field name of the app, with the field classes it has in the forms using it."""
    return {name: {f.field_class for f in found} for name, found in unbound_fields().items()}


def test_every_form_is_bounded():
    """Every form derives from the base form that bounds numbers and dates."""
    import vrijstad.models  # noqa: F401

    stack, unbounded = list(flask_wtf.FlaskForm.__subclasses__()), []
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if not issubclass(cls, FlaskForm) and cls.__module__.startswith("vrijstad."):
            unbounded.append(f"{cls.__module__}.{cls.__name__}")
    assert unbounded == []


def form_field_names() -> list[str]:
    """The field names of every form in the app: the keys a generated submission uses."""
    return sorted(form_fields())


#: Integers no column holds, and digits int() refuses ("²" passes str.isdigit) or reads ("٣").
EXTREME_INTEGERS = [
    "²",
    "99999999999999999999",
    "-99999999999999999999",
    str(-(2**63) - 1),
    str(2**31),
    "-1",
    "²",
    "٣",
    "١٢٣٤٥٦٧٨٩٠١٢٣٤٥٦٧٨٩",
    "1e309",
    "NaN",
    "Infinity",
    "9" * 5000,
]
#: Dates no calendar arithmetic survives: the last and first day Python knows, and beyond.
EXTREME_DATES = [
    "0001-01-01",
    "10000-01-01",
    "1899-12-31",
    "2201-01-01",
    "2026-02-30",
    "0000-00-00",
]
EXTREME_MONTHS = ["0001-01", "10000-01", "0000-00", "2026-13", "٢٠٢٦-١١", "²⁰²⁶-11"]

values = st.one_of(
    st.text(max_size=40),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.sampled_from(EXTREME_INTEGERS + EXTREME_DATES + EXTREME_MONTHS),
    st.sampled_from(["9999-12-31", "9999-12"]),
    st.sampled_from(
        [
            "",
            " ",
            "0",
            "2026-11",
            "€ 1.234,56",
            "1.234.567,891",
            "'; DROP TABLE users; --",
            "../../etc/passwd",
            "\x00",
            "ä" * 300,
            "y" * 5000,
        ]
    ),
)


SKIP_FUZZ = {
    "auth.logout",
    "privacy.delete",
    "auth.change_email",
    "auth.change_password",
    "auth.set_language",
}  # they end or change the session itself; tested on their own


@settings(max_examples=2, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(draw=st.data())
def test_generated_submissions_never_fail_and_refusals_write_nothing(app, world, caplog, draw):
    """Each example sends every route a generated submission, as a generated person."""
    caplog.set_level(logging.WARNING)
    people = clients(app, world)
    keys = form_field_names() + ["page", "sort", "show", "month", "period", "q", "per_page"]
    submissions = st.dictionaries(st.sampled_from(keys), values, max_size=6)
    failures = []
    for endpoint, method, rule in routes(app):
        if endpoint in SKIP_FUZZ:
            continue
        url = url_for_rule(rule, world)
        data, role = draw.draw(submissions), draw.draw(st.sampled_from(ROLES))
        before = row_counts()
        if method == "GET":
            answer = people[role].get(url, query_string=data)
        else:
            answer = people[role].post(url, data=data)
        answer.close()
        if answer.status_code >= 500:
            failures.append(f"{method} {url} as {role} with {data!r}: {answer.status_code}")
        elif answer.status_code >= 400:
            db.session.expire_all()
            if row_counts() != before:
                failures.append(
                    f"{method} {url} as {role}: refused ({answer.status_code}) "
                    f"but wrote rows, with {data!r}"
                )
    assert failures == [], "\n".join(failures[:30])
    assert log_errors(caplog) == []


# Every method, every field kind, every body ------------------------------------------------

#: Query parameters and form keys views read themselves, by kind (their kind wins over a form
#: field's of the same name: ?period= is a month).
QUERY_KINDS = {
    "quoted_cents": "integer",
    "page": "integer",
    "per_page": "integer",
    "limit": "integer",
    "min_area": "integer",
    "max_area": "integer",
    "max_rent": "integer",
    "area": "integer",
    "area_id": "integer",
    "free_until": "date",
    "month": "month",
    "period": "month",
    "from": "month",
    "to": "month",
    "first": "month",
    "last": "month",
    "show": "text",
    "sort": "text",
    "q": "text",
    "street": "text",
    "city": "text",
    "status": "text",
}
#: Text fields a form checks by pattern: a value that passes, so the rest of the form counts.
PLAUSIBLE_TEXT = {
    "email": "nieuw.adres@example.nl",
    "postcode": "8011 AB",
    "kvk_number": "12345678",
    "applicant_kvk": "12345678",
    "iban": "NL91ABNA0417164300",
    "btw_id": "NL000099998B57",
    "website": "https://example.nl",
    "bag_id": "0193010000012345",
    "house_letter": "A",
    "house_number_addition": "2",
    "language": "nl",
    "discount_schedule": "1-6:100",
    "time": "10:30",
    "password": "Correct-Horse-42",
    "confirm": "Correct-Horse-42",
    "current": "Correct-Horse-42",
    "latitude": "52.51",
    "longitude": "6.09",
}
#: Days from today for date fields whose order a form checks (a contest's timetable, a stay).
DATE_ORDER = [
    "entries_open_on",
    "available_from",
    "free_from",
    "first_day",
    "start_date",
    "starts_on",
    "entries_close_on",
    "shortlist_on",
    "vote_open_on",
    "vote_close_on",
    "pitch_on",
    "winner_on",
    "last_day",
    "end_date",
    "free_until",
]
#: Field names whose form lets the upload ride along in the multipart family.
FILE_BYTES = b"%PDF-1.4\n" + bytes(range(256)) * 4


def field_kind(name: str, classes: set[type]) -> str:
    from wtforms import BooleanField, DateField, DecimalField, FileField, IntegerField
    from wtforms.fields import DateTimeLocalField, FieldList, SelectFieldBase, TimeField

    from vrijstad.units.forms import EuroField

    def has(*kinds) -> bool:
        return any(issubclass(cls, kinds) for cls in classes)

    for kind, types in (
        ("file", (FileField,)),
        ("list", (FieldList,)),
        ("time", (TimeField,)),
        ("date", (DateField, DateTimeLocalField)),
        ("integer", (IntegerField, DecimalField, EuroField)),
        ("boolean", (BooleanField,)),
        ("choice", (SelectFieldBase,)),
    ):
        if has(*types):
            return kind
    return "text"


def all_kinds() -> dict[str, str]:
    kinds = {name: field_kind(name, classes) for name, classes in form_fields().items()}
    return kinds | QUERY_KINDS


def plausible(name: str, kind: str, world) -> str | None:
    """A value this field's form accepts, as far as a name tells: the rest of a submission is
    valid, so one extreme value reaches the code behind the form."""
    today = clock.today()
    if name in PLAUSIBLE_TEXT:
        return PLAUSIBLE_TEXT[name]
    match kind:
        case "integer":
            return str(world.params.get(name, 10))
        case "date":
            offset = 30 + 10 * DATE_ORDER.index(name) if name in DATE_ORDER else 30
            return (today + timedelta(days=offset)).isoformat()
        case "month":
            return f"{today.year}-{today.month:02d}"
        case "boolean":
            return "y"
        case "choice":
            return first_choice(name) or str(world.params.get(name, 1))
        case "file" | "list":
            return None
    return "Een nette tekst van een ondernemer over de winkel in de Hoogstraat."


def first_choice(name: str) -> str | None:
    """The first choice a form declares for this field, when its choices are fixed."""
    for field in unbound_fields().get(name, []):
        choices = field.kwargs.get("choices")
        if isinstance(choices, list | tuple) and choices:
            first = choices[0]
            return str(first[0] if isinstance(first, tuple) else getattr(first, "value", first))
    return None


def submission(kinds: dict[str, str], world, replace: dict[str, str]) -> dict[str, str]:
    """A plausible value for every known field, with every field of a kind in replace given
    that kind's value instead."""
    data = {}
    for name, kind in kinds.items():
        value = replace.get(kind, plausible(name, kind, world))
        if value is not None:
            data[name] = value
    return data


def log_errors(caplog) -> list[str]:
    """Log records that show something broke: errors and anything carrying a traceback."""
    return [
        f"{record.name}: {record.getMessage()[:200]}"
        for record in caplog.records
        if record.levelno >= logging.ERROR or record.exc_info
    ]


def huge_ids_url(rule, world) -> str | None:
    """The rule's URL with every numeric id 2**63 (one past BIGINT), or None without ids."""
    values = {
        name: world.by_endpoint.get(rule.endpoint, {}).get(name, world.params.get(name))
        for name in rule.arguments
    }
    ids = [name for name, value in values.items() if isinstance(value, int)]
    if not ids:
        return None
    return rule.build(values | dict.fromkeys(ids, 2**63), append_unknown=False)[1]


def test_every_method_on_every_route_is_answered(app, world, caplog):
    """GET, POST, PUT, PATCH, DELETE, OPTIONS and HEAD on every route of the URL map: a route
    answers the methods it has (OPTIONS lists them) and 405 to the others; never an error.
    With an id past BIGINT in its URL, a route is not found."""
    caplog.set_level(logging.WARNING)
    people = clients(app, world)
    adapter = app.url_map.bind("localhost")
    failures = []
    for index, rule in enumerate(rules(app)):
        url = url_for_rule(rule, world)
        allowed = set(adapter.allowed_methods(url.split("?")[0]))  # of every rule at this path
        for offset, method in enumerate(METHODS):
            role = ROLES[(index + offset) % len(ROLES)]
            person = app.test_client() if rule.endpoint in SKIP_FUZZ else people[role]
            answer = person.open(url, method=method, data=None if method == "GET" else {"x": "1"})
            answer.close()
            shown = f"{method} {url} as {role}: {answer.status_code}"
            if answer.status_code >= 500:
                failures.append(shown)
            elif method not in allowed and answer.status_code != 405:
                failures.append(f"{shown}, not 405")
            elif (
                method == "OPTIONS"
                and answer.status_code == 200
                and not allowed <= set(answer.headers.get("Allow", "").replace(" ", "").split(","))
            ):
                failures.append(f"{shown}, Allow is {answer.headers.get('Allow')!r}")
        huge = huge_ids_url(rule, world)
        if huge:  # an id longer than any key: not found, never an overflow
            answer = people["admin"].open(huge, method=sorted(rule.methods - {"OPTIONS"})[0])
            answer.close()
            if answer.status_code not in (404, 405):  # no such page, or not by this method
                failures.append(f"{huge}: {answer.status_code}, not 404/405")
    assert failures == [], "\n".join(failures[:40])
    assert log_errors(caplog) == []


def takes_forms(app, endpoint: str, method: str) -> bool:
    """Whether a submission to this route is a browser form (the API and webhooks read JSON)."""
    view = app.view_functions[endpoint]
    return (
        method != "GET"
        and not getattr(view, "reads_own_body", False)
        and not (endpoint.startswith("api."))
    )


def families(kinds: dict[str, str], world, index: int, method: str) -> list[tuple[str, dict]]:
    """(name, request arguments) of each generator family for the index-th route. Every route
    gets 2**63 in its integer fields with the last day Python knows in its date fields; then
    one of the other extreme integers and dates, rotating over the routes so each value meets
    many forms; then the plausible submission as JSON, as multipart with files, as text."""
    normal = submission(kinds, world, {})
    extremes = [
        (str(2**63), "9999-12-31", "9999-12"),
        (
            EXTREME_INTEGERS[index % len(EXTREME_INTEGERS)],
            EXTREME_DATES[index % len(EXTREME_DATES)],
            EXTREME_MONTHS[index % len(EXTREME_MONTHS)],
        ),
    ]
    where = "query_string" if method == "GET" else "data"
    found = [
        (
            f"extreme {number} {day}",
            {where: submission(kinds, world, {"integer": number, "date": day, "month": month})},
        )
        for number, day, month in extremes
    ]
    as_json = {name: 2**63 if kinds[name] == "integer" else value for name, value in normal.items()}
    found.append(
        (
            "json",
            {
                "data": json.dumps(as_json | {"email": 1, "nested": {"a": [1]}}),
                "content_type": "application/json",
            },
        )
    )
    if method != "GET":  # a GET's body is never read
        files = {
            name: (io.BytesIO(FILE_BYTES), "../../bestand.pdf")
            for name, kind in kinds.items()
            if kind == "file"
        }
        found.append(("multipart", {"data": normal | files, "content_type": "multipart/form-data"}))
        found.append(("text", {"data": "email=a@b.nl", "content_type": "text/plain"}))
    return found


def test_extreme_values_and_bodies_reach_every_route_without_error(app, world, caplog):
    """Each route, as the first person it does not turn away, gets a plausible submission
    twice (a double click), then the generator families: extreme integers and dates, JSON
    (refused with 415 by form routes), multipart with files, plain text. GET routes get their
    values in the query string."""
    caplog.set_level(logging.WARNING)
    people = clients(app, world)
    kinds = all_kinds()
    failures = []
    probe_order = ("landlord_a", "staff_x", "starter_a", "admin", "juror", "anonymous")
    for index, (endpoint, method, rule) in enumerate(routes(app)):
        if endpoint in SKIP_FUZZ:
            continue
        url = url_for_rule(rule, world)
        normal = submission(kinds, world, {})
        sent = {"query_string": normal} if method == "GET" else {"data": normal}
        for role in probe_order:  # also the first of the burst
            answer = people[role].open(url, method=method, **sent)
            answer.close()
            if answer.status_code >= 500 or classify(answer) not in (DENIED, LOGIN):
                break
        tries = [("burst", sent)] + families(kinds, world, index, method)
        for family, arguments in [("first", sent)] + tries:
            if family != "first":
                answer = people[role].open(url, method=method, **arguments)
                answer.close()
            shown = f"{method} {url} as {role}, {family}"
            if answer.status_code >= 500:
                failures.append(f"{shown}: {answer.status_code}")
            elif (
                family in ("json", "text")
                and takes_forms(app, endpoint, method)
                and (answer.status_code != 415)
            ):
                failures.append(f"{shown}: {answer.status_code}, not 415")
    assert failures == [], "\n".join(failures[:60])
    assert log_errors(caplog) == []


def text_columns():
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            kind = type(column.type)
            if kind not in (sa.String, sa.Text, sa.Unicode, sa.UnicodeText):
                continue
            length = getattr(column.type, "length", None)
            if length is not None and length < len(PAYLOAD):
                continue
            if (
                column.primary_key
                or column.foreign_keys
                or column.unique
                or any(
                    isinstance(c, sa.UniqueConstraint) and column.name in c.columns
                    for c in table.constraints
                )
            ):
                continue
            if any(part in column.name for part in NOT_FREE_TEXT):
                continue
            yield table, column


def test_stored_markup_comes_back_escaped_on_every_page(app, world):
    """Every free-text column of every row holds markup; no HTML page shows it raw."""
    filled = []
    for table, column in text_columns():
        db.session.execute(table.update().values({column.name: PAYLOAD}))
        filled.append(f"{table.name}.{column.name}")
    db.session.commit()
    assert len(filled) > 30, filled  # descriptions, names, notes, motivations, messages, …
    people = clients(app, world)
    shown = 0
    raw = []
    for _endpoint, method, rule in routes(app):
        if method != "GET":
            continue
        url = url_for_rule(rule, world)
        for role in ROLES:
            answer = people[role].get(url)
            body = answer.get_data(as_text=True) if answer.mimetype == "text/html" else ""
            answer.close()
            if PAYLOAD in body:
                raw.append(f"{url} as {role}")
            shown += body.count("&lt;svg onload=alert(7)&gt;")
    assert raw == []
    assert shown > 50  # the payload really was on the pages, escaped


HOSTILE_NEXT = [
    "https://evil.example/",
    "//evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "http:evil.example",
    "javascript:alert(1)",
    " //evil.example",
    "https:/evil.example",
    "/%0d%0aSet-Cookie:x=1",
]


def leaves_site(location: str) -> bool:
    """Whether a browser following this Location would end up on another host."""
    cleaned = "".join(c for c in location if c not in "\t\n\r").replace("\\", "/").strip()
    parts = urlsplit(cleaned)
    return bool(parts.scheme or parts.netloc) and parts.netloc not in ("localhost", "")


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_next_never_sends_anyone_off_site(client, make_user, target):
    answer = client.post("/language", query_string={"next": target}, data={"language": "en"})
    assert answer.status_code == 302
    assert not leaves_site(answer.headers["Location"]), answer.headers["Location"]
    assert "\n" not in answer.headers["Location"] and "\r" not in answer.headers["Location"]


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(target=st.text(alphabet=st.sampled_from("/\\:.@%?#\t\n abcehlmpstvx0"), max_size=24))
def test_generated_next_values_stay_on_the_site(client, target):
    answer = client.post("/language", query_string={"next": target}, data={"language": "nl"})
    assert answer.status_code == 302
    assert not leaves_site(answer.headers["Location"]), (target, answer.headers["Location"])


def test_local_next_is_still_followed(client):
    answer = client.post(
        "/language", query_string={"next": "/units?city=Zwolle"}, data={"language": "en"}
    )
    assert answer.headers["Location"] == "/units?city=Zwolle"
