"""Hostile input: generated form data and query strings against every route, stored XSS in every
free-text column, open redirects, uploads with path tricks. No 500, nothing written by a refused
request, nothing unescaped."""

from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wtforms.fields.core import UnboundField

from tests.security.matrix import clients, routes, url_for_rule
from tests.security.world import ROLES, build_world
from vrijstad.extensions import db
from vrijstad.forms import FlaskForm

PAYLOAD = '"><svg onload=alert(7)>'  # 23 characters: fits most text columns
#: Columns that are not free text: identifiers, keys, codes a form checks by pattern.
NOT_FREE_TEXT = (
    "email", "token", "key", "hash", "iban", "sha", "filename", "thumbnail", "kvk", "btw",
    "postcode", "url", "locale", "currency", "reference", "source", "number", "bag_id",
    "house_letter", "status", "kind", "code", "transfer_id", "account_id", "intent_id",
    "event_id", "stripe", "vat", "city", "label", "batch", "period",
)  # fmt: skip


@pytest.fixture
def world(app, ctx, make_org, make_user):
    return build_world(app, make_org, make_user)


def row_counts() -> tuple[int, ...]:
    """Every table's row count in one round trip."""
    tables = db.metadata.sorted_tables
    query = sa.union_all(*[
        sa.select(sa.literal(index).label("i"), sa.func.count().label("n")).select_from(table)
        for index, table in enumerate(tables)
    ])  # fmt: skip
    counts = dict(db.session.execute(query).all())
    return tuple(counts[index] for index in range(len(tables)))


def form_field_names() -> list[str]:
    """The field names of every form in the app: the keys a generated submission uses."""
    import vrijstad.models  # noqa: F401 - every feature imported, so every form is defined

    names: set[str] = set()
    stack = list(FlaskForm.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        for klass in cls.__mro__:
            names.update(k for k, v in vars(klass).items() if isinstance(v, UnboundField))
    return sorted(names)


values = st.one_of(
    st.text(max_size=40),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.sampled_from(["", " ", "0", "-1", "1e309", "NaN", "2026-02-30", "9999-12-31", "0001-01-01",
                     "2026-11", "€ 1.234,56", "1.234.567,891", "'; DROP TABLE users; --",
                     "../../etc/passwd", "\x00", "ä" * 300, "y" * 5000]),
)  # fmt: skip


SKIP_FUZZ = {
    "auth.logout",
    "privacy.delete",
    "auth.change_email",
    "auth.change_password",
    "auth.set_language",
}  # they end or change the session itself; tested on their own


@settings(max_examples=4, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(draw=st.data())
def test_generated_submissions_never_fail_and_refusals_write_nothing(app, world, draw):
    """Each example sends every route a generated submission, as a generated person."""
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
                failures.append(f"{method} {url} as {role}: refused ({answer.status_code}) "
                                f"but wrote rows, with {data!r}")  # fmt: skip
    assert failures == [], "\n".join(failures[:30])


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
    "https://evil.example/", "//evil.example", "/\\evil.example", "\\\\evil.example",
    "/\t/evil.example", "/\n/evil.example", "http:evil.example", "javascript:alert(1)",
    " //evil.example", "https:/evil.example", "/%0d%0aSet-Cookie:x=1",
]  # fmt: skip


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
    answer = client.post("/language", query_string={"next": "/units?city=Zwolle"},
                         data={"language": "en"})  # fmt: skip
    assert answer.headers["Location"] == "/units?city=Zwolle"
