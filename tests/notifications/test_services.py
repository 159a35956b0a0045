"""Notifying a person: in a plain app context too (a job, the CLI), and with a mail subject
that ends at a word."""

import sqlalchemy as sa
from flask import has_request_context

from vrijstad.extensions import db
from vrijstad.notifications.models import Notification
from vrijstad.notifications.services import headline, notify, subject_of


def test_notify_works_in_an_app_context_without_a_request(app, make_user, outbox):
    person = make_user("starter", locale="en")
    assert not has_request_context()

    notify([person], "popups.mine_missing_kind", "popups.mine", {}, {})
    db.session.commit()

    notice = db.session.scalars(sa.select(Notification)).one()
    assert notice.url == "/my/bookings"
    (mail,) = outbox()
    link = app.config["BASE_URL"].rstrip("/") + "/my/bookings"
    assert link in mail.get_body(("plain",)).get_content()


def test_a_long_subject_is_cut_at_a_word():
    text = "word " * 30 + "end"
    subject = subject_of(text)
    assert subject.endswith("…")
    assert len(subject) <= 120
    assert subject[:-1].split() == ["word"] * len(subject[:-1].split())
    assert subject_of("short text") == "short text"


def test_a_word_ending_exactly_at_the_cut_is_kept():
    text = "x" * 112 + " abcd" + " and more words after the limit"
    assert subject_of(text) == "x" * 112 + " abcd…"


def test_one_long_word_is_cut_where_it_must():
    assert subject_of("y" * 200) == "y" * 117 + "…"


def test_a_mail_subject_is_the_notices_first_sentence():
    text = "Your application for Kerkstraat 4 was shortlisted. The landlord may invite you."
    assert headline(text) == "Your application for Kerkstraat 4 was shortlisted"
    assert headline("Invoice 7: € 121,00 due 10-01-2027") == "Invoice 7: € 121,00 due 10-01-2027"
    assert headline("Amount € 1.5 due; pay now.") == "Amount € 1.5 due"


def test_a_mail_queued_after_an_earlier_commit_in_the_same_request_is_sent(
    app, make_user, outbox, caplog
):
    """The first commit expires the logged-in user; queuing the job of the second commit's mail
    must not load them again (the session may not then), or the mail is lost."""
    from flask_login import current_user, login_user

    from vrijstad.notifications.mail import queue_mail

    user = make_user("landlord")
    db.session.commit()
    facts = {"name": "Jan", "title": "t", "address": "Markt 1", "municipality": "m"}
    with app.test_request_context("/"):
        login_user(user)
        assert current_user.name  # loaded, then expired by the commit
        queue_mail("eerste@example.nl", "Een", "bylaw_letter", reference="1", **facts)
        db.session.commit()
        queue_mail("tweede@example.nl", "Twee", "bylaw_letter", reference="2", **facts)
        db.session.commit()
    assert [m["To"] for m in outbox()] == ["eerste@example.nl", "tweede@example.nl"]
    assert not [r for r in caplog.records if "could not queue" in r.message]
