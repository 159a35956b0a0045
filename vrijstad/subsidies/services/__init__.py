"""Subsidies: schemes and presets, applications, the amount and its reasoning, the procedure
with its decision clock, the budget ceiling, and every payment booked in the ledger.

Rules of the procedure (DOMAIN.md, general administrative law):

- The decision is due 8 weeks after the complete application came in. A request for more
  information suspends the clock from the day it is sent until the day the answer arrives;
  the term can be extended once, by 12 weeks, before it has run out. A late decision is
  allowed but flagged.
- The amount is min(percentage × eligible costs, maximum per activity); costs are excluding
  VAT and VAT is never eligible; the share is rounded down to the cent.
- In a first-come scheme each application reserves its amount when it is submitted, in order
  of complete submission; granted plus reserved never exceeds the ceiling. A tender reserves
  nothing until its deadline has passed and the grants are made; then granted never exceeds
  the ceiling. Every check of the ceiling holds the scheme's row locked (FOR UPDATE), so two
  staff granting (or two applicants submitting) at the same moment cannot overrun it.
- Ledger (per organisation): a grant books the scheme's grants against a payable to the
  recipient; the advance and the rest are paid from the bank; the final amount releases what
  was granted but not spent; a reclaim brings an advance above the final amount back.

Where things are: ``base`` (errors, limits, who may act, the scheme lock and the status move
through SUBSIDY_FLOW), ``amounts`` (the amount, the budget, advance, balance, ledger accounts),
``clock`` (the decision deadline), ``notices``, ``rules`` (schemes and presets),
``applications`` (applying and the project details), ``uploads`` (cost lines, quotes,
documents), ``procedure`` (submission to decision), ``payouts`` (advance to payment or
reclaim). The grant letter is made after the decision, in ``subsidies.documents``.
"""

from vrijstad.labels import label
from vrijstad.subsidies.models import DocumentKind
from vrijstad.subsidies.services.amounts import (
    DE_MINIMIS_CEILING_CENTS,
    Budget,
    Reasoning,
    advance_of,
    balance_due,
    budget_of,
    check_budget,
    check_de_minimis,
    compute_amount,
    de_minimis_of,
    final_reasoning_of,
    granted_account,
    payable_account,
    reasoning_of,
)
from vrijstad.subsidies.services.applications import (
    ApplicationData,
    applicant_defaults,
    check_location,
    check_open,
    check_start,
    eligible_streets,
    kinds_for,
    kinds_for_scheme,
    location_restricted,
    record_intake,
    start_application,
    street_choices,
    update_details,
)
from vrijstad.subsidies.services.base import (
    MAX_AMOUNT_CENTS,
    MAX_DOCUMENT_BYTES,
    DocumentTooLarge,
    SubsidyError,
    can_see,
    change_status,
    is_staff,
    lock_application,
    lock_scheme,
    require_applicant,
    require_editable,
    require_staff,
)
from vrijstad.subsidies.services.clock import (
    DECISION_WEEKS,
    EXTENSION_WEEKS,
    days_late,
    decision_deadline,
)
from vrijstad.subsidies.services.notices import notice_data, notify_applicant, notify_staff
from vrijstad.subsidies.services.payouts import (
    pay_advance,
    pay_balance,
    record_reclaim,
    settle,
    submit_accountability,
)
from vrijstad.subsidies.services.procedure import (
    GRANT_APPROVAL,
    extend_deadline,
    grant,
    grant_approval,
    next_dossier_number,
    reject,
    request_information,
    start_review,
    submit_application,
    supply_information,
    withdraw,
)
from vrijstad.subsidies.services.rules import (
    PRESETS,
    SchemeRules,
    create_preset,
    create_scheme,
    preset_rules,
    rules_of,
    update_scheme,
)
from vrijstad.subsidies.services.uploads import (
    add_cost_line,
    add_document,
    add_quote,
    check_pdf,
    missing_items,
    remove_cost_line,
    remove_document,
)


def document_label(kind: DocumentKind | str) -> str:
    """The document kind's label (kept for vrijstad/demo; elsewhere use labels.label)."""
    return label(DocumentKind(kind))


__all__ = [
    "ApplicationData",
    "Budget",
    "DECISION_WEEKS",
    "DocumentTooLarge",
    "EXTENSION_WEEKS",
    "GRANT_APPROVAL",
    "MAX_AMOUNT_CENTS",
    "MAX_DOCUMENT_BYTES",
    "PRESETS",
    "Reasoning",
    "SchemeRules",
    "SubsidyError",
    "add_cost_line",
    "add_document",
    "add_quote",
    "advance_of",
    "applicant_defaults",
    "balance_due",
    "budget_of",
    "can_see",
    "change_status",
    "DE_MINIMIS_CEILING_CENTS",
    "check_budget",
    "check_de_minimis",
    "de_minimis_of",
    "check_location",
    "check_open",
    "check_pdf",
    "check_start",
    "compute_amount",
    "create_preset",
    "create_scheme",
    "days_late",
    "decision_deadline",
    "document_label",
    "eligible_streets",
    "extend_deadline",
    "final_reasoning_of",
    "grant",
    "grant_approval",
    "granted_account",
    "is_staff",
    "kinds_for",
    "kinds_for_scheme",
    "location_restricted",
    "lock_application",
    "lock_scheme",
    "missing_items",
    "next_dossier_number",
    "notice_data",
    "notify_applicant",
    "notify_staff",
    "pay_advance",
    "pay_balance",
    "payable_account",
    "preset_rules",
    "reasoning_of",
    "record_intake",
    "record_reclaim",
    "reject",
    "remove_cost_line",
    "remove_document",
    "request_information",
    "require_applicant",
    "require_editable",
    "require_staff",
    "rules_of",
    "settle",
    "start_application",
    "start_review",
    "street_choices",
    "submit_accountability",
    "submit_application",
    "supply_information",
    "update_details",
    "update_scheme",
    "withdraw",
]
