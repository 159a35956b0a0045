"""Notify a person of an event: an in-app notice and an e-mail, both in their own language."""

from collections.abc import Iterable
from datetime import date

import sqlalchemy as sa
from flask import current_app, has_request_context, url_for

from vrijstad import clock
from vrijstad.auth.models import User
from vrijstad.extensions import db, rowcount
from vrijstad.i18n import date_filter, eur_filter, force_locale
from vrijstad.i18n import gettext as _
from vrijstad.notifications.mail import queue_mail
from vrijstad.notifications.models import Notification


def _localised(data: dict) -> dict:
    """Raw values formatted for the reader: amount_cents as `amount`, deadline_on (ISO date) as
    `deadline`, so a notice shows € and dates in the reader's own language."""
    values = dict(data)
    if isinstance(values.get("amount_cents"), int):
        values["amount"] = eur_filter(values["amount_cents"])
    if "deadline_on" in values:
        deadline = values["deadline_on"]
        values["deadline"] = date_filter(date.fromisoformat(deadline)) if deadline else "—"
    return values


def notification_text(kind: str, data: dict) -> str:
    """The sentence for a notice, rendered in the current language."""
    texts = {
        "application.submitted": _("%(starter)s applied for %(unit)s."),
        "application.withdrawn": _("%(starter)s withdrew the application for %(unit)s."),
        "application.shortlisted": _("Your application for %(unit)s is on the shortlist."),
        "application.rejected": _(
            "Your application for %(unit)s was not chosen. Thank you for your interest."
        ),
        "application.unit_let": _(
            "%(unit)s has been let to another starter, so your application is closed. Thank you "
            "for applying — other units may suit you just as well."
        ),
        "application.message": _("New message from %(author)s about %(unit)s."),
        "application.viewing": _("Viewing of %(unit)s planned on %(when)s."),
        "application.offered": _("You received an offer for %(unit)s."),
        "application.offer_withdrawn": _("The offer for %(unit)s was withdrawn."),
        "application.accepted": _("%(starter)s accepted the offer for %(unit)s."),
        "application.declined": _("%(starter)s declined the offer for %(unit)s."),
        "placement.created": _(
            "Your placement in %(unit)s is agreed. Download the draft agreement."
        ),
        "contest.entered": _("Your entry for %(contest)s is in. Good luck!"),
        "contest.finalist": _("You are a finalist in %(contest)s: you will pitch to the jury."),
        "contest.not_shortlisted": _(
            "Your entry for %(contest)s did not make the shortlist. Thank you for taking part."
        ),
        "contest.won": _("Congratulations: you won %(contest)s! Your placement is agreed."),
        "contest.announced": _(
            "The winner of %(contest)s has been announced. Thank you for taking part."
        ),
        "contest.cancelled": _("%(contest)s has been cancelled."),
        "contest.unit_won": _("%(winner)s won %(unit)s in %(contest)s; the placement is agreed."),
        "matching.invited": _(
            "You are invited to apply for %(unit)s: it fits your profile (%(score)s out of 100)."
        ),
        "booking.requested": _("%(starter)s asks to book %(unit)s for %(dates)s."),
        "booking.accepted": _(
            "Your booking of %(unit)s for %(dates)s is accepted: the days are yours."
        ),
        "booking.declined": _("Your booking request for %(unit)s (%(dates)s) was declined."),
        "booking.dates_taken": _(
            "%(unit)s has been booked by someone else for (part of) %(dates)s, so your request "
            "is closed."
        ),
        "booking.cancelled": _("The booking of %(unit)s for %(dates)s was cancelled."),
        "payment.failed": _(
            "Your payment of %(amount)s for invoice %(number)s did not go through. Please try "
            "again, or pay by bank transfer."
        ),
        "turnover.due": _(
            "Please send your turnover report for %(month)s (%(unit)s) by %(deadline)s."
        ),
        "turnover.late": _(
            "Your turnover report for %(month)s (%(unit)s) was due on %(deadline)s. Please send "
            "it now: the month cannot be invoiced without it."
        ),
        "turnover.late_staff": _(
            "%(starter)s has not sent the turnover report for %(month)s (%(unit)s); it was due "
            "on %(deadline)s."
        ),
        "invoice.issued": _(
            "Invoice %(number)s for %(month)s is ready: %(amount)s, to be paid by %(deadline)s "
            "quoting reference %(reference)s."
        ),
        "invoice.reminder_7": _(
            "Reminder: invoice %(number)s of %(amount)s was due on %(due)s. Please pay it now, "
            "quoting reference %(reference)s."
        ),
        "invoice.reminder_21": _(
            "Second reminder: invoice %(number)s of %(amount)s is %(days)s days overdue. Please "
            "pay it now or contact us, so we do not have to take further steps."
        ),
        "invoice.overdue_staff": _(
            "Invoice %(number)s of %(starter)s (%(amount)s) is %(days)s days overdue; the second "
            "reminder has been sent."
        ),
        "payment.failed_staff": _(
            "The online payment by %(starter)s of %(amount)s for invoice %(number)s failed."
        ),
        "payment.disputed_staff": _(
            "%(starter)s's bank disputed or reversed the payment of %(amount)s for invoice "
            "%(number)s. The invoice is open again; answer a card dispute in Stripe."
        ),
        "payment.dispute_won_staff": _(
            "The dispute about invoice %(number)s (%(starter)s) was decided in your favour: "
            "%(amount)s is booked back."
        ),
        "payment.dispute_lost_staff": _(
            "The dispute about invoice %(number)s (%(starter)s) was lost: %(amount)s stays "
            "reversed and the invoice open."
        ),
        "subsidy.started": _(
            "%(applicant)s started an application for %(scheme)s; plan the intake talk."
        ),
        "subsidy.intake": _(
            "The intake for your application for %(scheme)s is recorded. Add your costs and "
            "documents and submit it."
        ),
        "subsidy.submitted": _(
            "Your application for %(scheme)s has been received with dossier number %(dossier)s. "
            "The decision follows by %(deadline)s."
        ),
        "subsidy.submitted_staff": _(
            "Dossier %(dossier)s (%(applicant)s) came in for %(scheme)s; the decision is due by "
            "%(deadline)s."
        ),
        "subsidy.info_requested": _(
            "More information is needed for dossier %(dossier)s. The decision term stands still "
            "until you reply."
        ),
        "subsidy.info_supplied": _(
            "%(applicant)s replied to the request for information on dossier %(dossier)s; the "
            "decision is now due by %(deadline)s."
        ),
        "subsidy.extended": _(
            "The decision term of dossier %(dossier)s is extended by 12 weeks, to %(deadline)s."
        ),
        "subsidy.granted": _(
            "A subsidy of %(amount)s has been granted for dossier %(dossier)s. The grant letter "
            "is on the application page; account for the actual costs when the work is done."
        ),
        "subsidy.rejected": _(
            "Your application with dossier number %(dossier)s was not granted; the reason is on "
            "the application page."
        ),
        "subsidy.advance_paid": _(
            "An advance of %(amount)s has been paid for dossier %(dossier)s. Account for the "
            "actual costs when the work is done."
        ),
        "subsidy.accounted": _(
            "Your accountability for dossier %(dossier)s is in; the final amount will be set on "
            "the actual costs."
        ),
        "subsidy.accounted_staff": _(
            "%(applicant)s accounted for the costs of dossier %(dossier)s."
        ),
        "subsidy.settled": _("The final amount of dossier %(dossier)s is set at %(amount)s."),
        "subsidy.paid": _(
            "%(amount)s has been paid for dossier %(dossier)s; the dossier is closed."
        ),
        "subsidy.reclaimed": _(
            "%(amount)s of the advance for dossier %(dossier)s has been paid back; the dossier is "
            "closed."
        ),
        "subsidy.withdrawn_staff": _("%(applicant)s withdrew the application for %(scheme)s."),
        "subsidy.applicant_deleted": _(
            "The applicant of dossier %(dossier)s (%(applicant)s) deleted their account. The "
            "grant stands: finish the dossier without the applicant's account."
        ),
    }
    template = texts.get(kind)
    if template is None:
        return kind
    try:
        return template % _localised(data)
    except (KeyError, TypeError, ValueError):
        return template


#: The longest mail subject; a longer text is cut at a word and ends in "…".
SUBJECT_LIMIT = 120


def subject_of(text: str, limit: int = SUBJECT_LIMIT) -> str:
    """The text as a mail subject: whole when it fits, else its whole words up to three
    characters short of the limit, and "…"."""
    if len(text) <= limit:
        return text
    room = limit - 3
    space = text.rfind(" ", 0, room + 1)
    head = text[:space] if space > 0 else text[:room]
    return head.rstrip(" ,;:") + "…"


def links(endpoint: str, url_values: dict) -> tuple[str, str]:
    """The page's path (for the notice) and its full address (for the mail).

    Outside a request (a job, the CLI) they are built as a request to BASE_URL would build
    them. Not with SERVER_NAME: it would also set the host of every full address built in a
    request (the API's page links, for one)."""
    if not has_request_context():
        with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
            return links(endpoint, url_values)
    return url_for(endpoint, **url_values), url_for(endpoint, _external=True, **url_values)


def notify(
    users: Iterable[User],
    kind: str,
    endpoint: str,
    url_values: dict,
    data: dict,
    attachments=(),
) -> None:
    """Add a notice for each user (once each) and mail them after the commit."""
    seen: set[int] = set()
    url, link = links(endpoint, url_values)
    for user in users:
        if user is None or user.id in seen or not user.active:
            continue
        seen.add(user.id)
        db.session.add(Notification(user_id=user.id, kind=kind, data=data, url=url))
        with force_locale(user.locale or "nl"):
            text = notification_text(kind, data)
            queue_mail(
                user.email,
                subject_of(text),
                "notification",
                attachments=attachments,
                text=text,
                link=link,
                name=user.name,
            )


def unread_count(user: User) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count(Notification.id)).where(
                Notification.user_id == user.id, Notification.read_at.is_(None)
            )
        )
        or 0
    )


def notifications_of(user: User) -> sa.Select:
    return (
        sa.select(Notification)
        .where(Notification.user_id == user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )


def mark_read(user: User, notification_id: int | None = None) -> int:
    """Mark one notice (or all) of this user as read; returns how many changed."""
    query = sa.update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)
    )
    if notification_id is not None:
        query = query.where(Notification.id == notification_id)
    return rowcount(db.session.execute(query.values(read_at=clock.now())))
