"""The amount and its reasoning, the budget ceiling, the advance and balance, and the ledger
accounts that hold the money."""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from vrijstad.extensions import db
from vrijstad.i18n import lazy_gettext as _l
from vrijstad.ledger import services as ledger
from vrijstad.money import Cents
from vrijstad.subsidies.models import (
    AWAITING_DECISION,
    GRANTED_OPEN,
    SETTLED_STATES,
    CostCategory,
    CostLine,
    Handling,
    SubsidyApplication,
    SubsidyScheme,
)
from vrijstad.subsidies.services.base import SubsidyError

# The amount --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reasoning:
    """How an amount follows from the costs: each step shown to applicant and staff."""

    total_cents: int
    ineligible: tuple[tuple[str, int], ...]
    eligible_cents: int
    percentage_bp: int
    share_cents: int
    cap_cents: int
    #: "activity": the scheme's maximum per activity; "grant": the amount granted.
    cap_kind: str
    amount_cents: int
    min_amount_cents: int
    actual: bool

    @property
    def capped(self) -> bool:
        return self.share_cents > self.cap_cents

    @property
    def ineligible_cents(self) -> int:
        return sum(cents for _label, cents in self.ineligible)

    @property
    def below_minimum(self) -> bool:
        return self.amount_cents < self.min_amount_cents


def compute_amount(
    scheme: SubsidyScheme,
    lines: list[CostLine],
    actual: bool = False,
    granted_cents: int | None = None,
) -> Reasoning:
    """min(percentage × eligible costs, cap): the cap is the maximum per activity, and at the
    final amount also the amount granted. Costs are excl. VAT; the share is rounded down."""
    eligible_categories = set(scheme.cost_categories)
    total = eligible = 0
    ineligible = []
    for line in lines:
        cents = (line.actual_cents or 0) if actual else line.amount_cents
        total += cents
        if CostCategory(line.category).value in eligible_categories:
            eligible += cents
        elif cents:
            ineligible.append((line.description, cents))
    share = eligible * scheme.percentage_bp // 10000
    cap, cap_kind = scheme.max_per_activity_cents, "activity"
    if granted_cents is not None and granted_cents < cap:
        cap, cap_kind = granted_cents, "grant"
    return Reasoning(
        total_cents=total,
        ineligible=tuple(ineligible),
        eligible_cents=eligible,
        percentage_bp=scheme.percentage_bp,
        share_cents=share,
        cap_cents=cap,
        cap_kind=cap_kind,
        amount_cents=min(share, cap),
        min_amount_cents=scheme.min_amount_cents,
        actual=actual,
    )


def reasoning_of(application: SubsidyApplication) -> Reasoning:
    return compute_amount(application.scheme, application.cost_lines)


def final_reasoning_of(application: SubsidyApplication) -> Reasoning:
    return compute_amount(
        application.scheme,
        application.cost_lines,
        actual=True,
        granted_cents=application.granted_cents or 0,
    )


# The budget --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Budget:
    ceiling_cents: int
    #: Granted (or, once settled, the final amounts).
    committed_cents: int
    #: Reserved by first-come applications awaiting a decision (tenders reserve nothing).
    reserved_cents: int
    #: Asked by applications awaiting a decision (in a tender this may exceed the ceiling).
    requested_cents: int
    paid_cents: int

    @property
    def available_cents(self) -> int:
        return self.ceiling_cents - self.committed_cents - self.reserved_cents


def _committed_expr() -> sa.Case[int | None]:
    a = SubsidyApplication
    return sa.case(
        (a.status.in_(GRANTED_OPEN), a.granted_cents),
        (a.status.in_(SETTLED_STATES), a.final_cents),
        else_=0,
    )


def budget_of(
    scheme: SubsidyScheme, exclude_id: int | None = None, handling: Handling | None = None
) -> Budget:
    """The scheme's figures from its applications, in one query."""
    a = SubsidyApplication
    awaiting = sa.case((a.status.in_(AWAITING_DECISION), a.requested_cents), else_=0)
    query = sa.select(
        sa.func.coalesce(sa.func.sum(_committed_expr()), 0),
        sa.func.coalesce(sa.func.sum(awaiting), 0),
        sa.func.coalesce(sa.func.sum(a.paid_cents), 0),
    ).where(a.scheme_id == scheme.id)
    if exclude_id is not None:
        query = query.where(a.id != exclude_id)
    committed, requested, paid = (int(v) for v in db.session.execute(query).one())
    reserves = (handling or scheme.handling) == Handling.FIRST_COME
    return Budget(scheme.budget_cents, committed, requested if reserves else 0, requested, paid)


def check_budget(
    scheme: SubsidyScheme,
    application: SubsidyApplication,
    amount: int,
    field_name: str | None = None,
) -> None:
    """Refuse unless the amount fits next to everything else granted and reserved; the scheme
    row must be locked (lock_scheme) so that nobody else changes the figures meanwhile."""
    others = budget_of(scheme, exclude_id=application.id)
    left = others.available_cents
    if amount > left:
        raise SubsidyError(
            _l(
                "The budget ceiling of %(ceiling)s would be exceeded: %(left)s is left after what "
                "is granted and reserved, and this needs %(amount)s."
            ),
            field_name,
            ceiling=Cents(scheme.budget_cents),
            left=Cents(max(left, 0)),
            amount=Cents(amount),
        )


def advance_of(application: SubsidyApplication) -> int:
    return (application.granted_cents or 0) * application.scheme.advance_bp // 10000


def balance_due(application: SubsidyApplication) -> int:
    """After the final amount: positive still to pay, negative to reclaim."""
    return (application.final_cents or 0) - application.paid_cents


# Ledger accounts ---------------------------------------------------------------------------


def granted_account(scheme_id: int) -> str:
    """What a scheme has granted (debit): its balance is the scheme's net commitment."""
    return ledger.account("subsidy_granted", "scheme", scheme_id)


def payable_account(application_id: int) -> str:
    """What is owed to a recipient (credit), or owed back by them (debit)."""
    return ledger.account("subsidy_payable", "application", application_id)


# De-minimis aid ----------------------------------------------------------------------------

#: At most this much de-minimis aid per company over the current and two previous years.
DE_MINIMIS_CEILING_CENTS = 300_000_00


def de_minimis_of(application: SubsidyApplication, on: date) -> int:
    """The de-minimis aid of the applicant's company (its KvK number): what any scheme granted
    it (or finally set) in the year of `on` and the two before, this application left out,
    plus the other aid the applicant declared."""
    since = date(on.year - 2, 1, 1)
    granted = db.session.scalar(
        sa.select(
            sa.func.coalesce(
                sa.func.sum(
                    sa.func.coalesce(
                        SubsidyApplication.final_cents, SubsidyApplication.granted_cents
                    )
                ),
                0,
            )
        ).where(
            SubsidyApplication.applicant_kvk == application.applicant_kvk,
            SubsidyApplication.granted_cents.is_not(None),
            SubsidyApplication.decided_on >= since,
            SubsidyApplication.id != application.id,
        )
    )
    return int(granted or 0) + application.other_de_minimis_cents


def check_de_minimis(
    application: SubsidyApplication, amount: int, on: date, field_name: str | None = None
) -> None:
    """Refuse an amount that takes the company above the de-minimis ceiling, with the sum."""
    received = de_minimis_of(application, on)
    if received + amount > DE_MINIMIS_CEILING_CENTS:
        raise SubsidyError(
            _l(
                "The de-minimis ceiling of %(ceiling)s per company over three years would be "
                "exceeded: KvK number %(kvk)s already received %(received)s in de-minimis aid "
                "(including the aid declared), and this needs %(amount)s."
            ),
            field_name,
            ceiling=Cents(DE_MINIMIS_CEILING_CENTS),
            kvk=application.applicant_kvk,
            received=Cents(received),
            amount=Cents(amount),
        )
