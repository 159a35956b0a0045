"""Payments' tasks on the staff's list: landlords of a collective with no IBAN to pay to."""

from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from flask import url_for

from vrijstad.auth.models import User
from vrijstad.extensions import db
from vrijstad.i18n import gettext as _
from vrijstad.letting.models import Collective, HeadLease, HeadLeaseStatus
from vrijstad.payments.models import PayoutAccount
from vrijstad.todo.registry import Severity, Task, register_provider


def landlord_rows(
    organisation_ids: Sequence[int], today: date
) -> sa.Select[int, str, int, str, int]:
    """Each landlord with a running head lease in a collective who has no payout IBAN (their
    share of a settlement cannot be transferred), once per collective."""
    return (
        sa.select(User.id, User.name, Collective.id, Collective.name, Collective.organisation_id)
        .distinct()
        .join(HeadLease, HeadLease.landlord_id == User.id)
        .join(Collective, Collective.id == HeadLease.collective_id)
        .outerjoin(PayoutAccount, PayoutAccount.landlord_id == User.id)
        .where(
            Collective.organisation_id.in_(organisation_ids),
            HeadLease.status != HeadLeaseStatus.ENDED,
            sa.func.coalesce(PayoutAccount.iban, "") == "",
        )
        .order_by(User.name, User.id, Collective.id)
    )


def landlords_without_iban(organisation_ids: Sequence[int], today: date) -> list[Task]:
    """Each landlord of a collective to ask for an IBAN."""
    rows = db.session.execute(landlord_rows(organisation_ids, today))
    return [
        Task(
            title=_("Ask %(name)s for a bank account (IBAN)", name=landlord_name),
            detail=_(
                "Landlord in %(collective)s: their share cannot be paid out without one",
                collective=collective_name,
            ),
            due=None,
            url=url_for("letting.collective", collective_id=collective_id, _anchor="leases"),
            kind="payments.iban",
            severity=Severity.NOTE,
            organisation_id=organisation_id,
        )
        for _landlord, landlord_name, collective_id, collective_name, organisation_id in rows
    ]


register_provider("payments.iban", landlords_without_iban, rows=landlord_rows)
