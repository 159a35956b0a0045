"""A starter whose e-mail address is unconfirmed enters no contest: the page says why."""

import io

import sqlalchemy as sa

from tests.contests.conftest import pdf_bytes
from vrijstad.contests.models import ContestEntry
from vrijstad.extensions import db


def test_an_unconfirmed_starter_cannot_enter_and_is_told_why(client, login, open_contest, starter):
    starter.email_verified_at = None
    db.session.commit()
    login(starter)
    url = f"/contests/{open_contest.id}/entry"

    def data():
        return {
            "trade_name": "Koffie & Kaft",
            "branch_group": "services",
            "idea": "Books.",
            "plan": (io.BytesIO(pdf_bytes(1)), "plan.pdf"),
        }

    response = client.post(url, data=data(), content_type="multipart/form-data")
    assert response.status_code == 403
    assert "Bevestig eerst je e-mailadres" in response.text
    assert 'action="/account/confirm"' in response.text
    assert db.session.scalar(sa.select(sa.func.count(ContestEntry.id))) == 0
    starter.email_verified_at = starter.created_at
    db.session.commit()
    again = client.post(url, data=data(), content_type="multipart/form-data")
    assert again.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(ContestEntry.id))) == 1
