"""The draft agreement of a placement (PDF), and the words it uses for its terms."""

from vrijstad import labels
from vrijstad.applications.models import Offer
from vrijstad.billing.models import PAYMENT_TERM_DAYS, VAT_STANDARD_BP
from vrijstad.extensions import db
from vrijstad.i18n import date_filter, eur_filter
from vrijstad.i18n import gettext as _
from vrijstad.letting.models import KIND_LABELS, Placement
from vrijstad.pdf import Document
from vrijstad.starters.models import SpaceKind
from vrijstad.units.models import PermittedUse


def kind_label(kind: SpaceKind) -> str:
    return str(KIND_LABELS[SpaceKind(kind)])


def percent(basis_points: int) -> str:
    whole, part = divmod(basis_points, 100)
    return f"{whole},{part:02d} %" if part else f"{whole} %"


def use_labels() -> dict[PermittedUse, str]:
    return labels.labels_of(PermittedUse)


def discount_rows(placement: Placement) -> list[tuple[str, str]]:
    """The discount schedule in words: 'Months 1-6': 'rent-free', 'Months 7-8': '75 % discount'."""
    rows = []
    for step in sorted(placement.discount_schedule or (), key=lambda s: int(s["from"])):
        first, last, pct = int(step["from"]), int(step["to"]), int(step["pct_bp"])
        months = (
            _("Month %(n)d", n=first)
            if first == last
            else _("Months %(first)d–%(last)d", first=first, last=last)
        )
        rows.append(
            (
                months,
                _("rent-free")
                if pct >= 10000
                else _("%(pct)s discount on the rent", pct=percent(pct)),
            )
        )
    return rows


def agreement_pdf(placement: Placement) -> bytes:
    """The draft agreement (of a placement, or of an offer's unsaved placement before it is
    accepted) with every term agreed: parties with KvK, unit and permitted use,
    period and notice, fee and VAT, turnover clause, indexation, discounts (months free),
    deposit and what else the offer said."""

    unit = placement.unit
    organisation = placement.organisation
    offer = db.session.get(Offer, placement.offer_id) if placement.offer_id else None
    title = (
        _("Draft agreement — placement %(n)d", n=placement.id)
        if placement.id is not None
        else _("Draft agreement — offer for %(address)s", address=unit.address)
    )
    doc = Document(
        title,
        author=organisation.name if organisation else "Vrijstad",
    )
    doc.paragraph(
        _(
            "This is a draft of the terms agreed on Vrijstad. It becomes binding only "
            "when both parties have signed the final agreement."
        )
    )
    doc.heading(_("Parties"))
    rows = [
        (_("Starter"), placement.starter_trade_name),
        (_("KvK number starter"), placement.starter_kvk or _("not yet registered")),
    ]
    rows.append((_("Landlord"), unit.landlord.name))
    if organisation is not None:
        rows += [
            (_("Intermediary"), organisation.name),
            (_("KvK number intermediary"), organisation.kvk_number),
        ]
    doc.rows(rows)
    doc.heading(_("Unit"))
    rows = [
        (_("Address"), f"{unit.address}, {unit.postcode} {unit.city}"),
        (_("BAG id"), unit.bag_id or ""),
        (_("Lettable floor area"), f"{unit.floor_area_vvo} m²"),
        (_("Kind of let"), kind_label(placement.kind)),
    ]
    if placement.space is not None:
        rows.append((_("Part of the unit"), placement.space.name))
    labels = use_labels()
    rows.append(
        (
            _("Permitted use"),
            ", ".join(labels[use] for use in unit.permitted_uses)
            or _("as agreed with the landlord"),
        )
    )
    doc.rows(rows)
    doc.heading(_("Period"))
    doc.rows(
        [
            (_("Start date"), date_filter(placement.start_date)),
            (_("Last day"), date_filter(placement.last_day)),
            (_("Notice"), _("none agreed: the let ends after the last day")),
        ]
    )
    doc.heading(_("Payment"))
    vat = (
        _("plus %(pct)s VAT (let with VAT)", pct=percent(VAT_STANDARD_BP))
        if placement.vat_opted
        else _("no VAT charged")
    )
    rows = [
        (
            _("Fee for the whole stay") if placement.fee_covers_stay else _("Base fee per month"),
            _("%(amount)s excl. VAT", amount=eur_filter(placement.base_fee_cents_per_month)),
        ),
        (_("VAT"), vat),
    ]
    if placement.turnover_basis_points:
        pct = percent(placement.turnover_basis_points)
        rows.append(
            (
                _("Turnover clause"),
                _(
                    "%(pct)s of the gross turnover excl. VAT per month, "
                    "with the base fee as the minimum; "
                    "turnover is reported monthly with evidence.",
                    pct=pct,
                ),
            )
        )
    else:
        rows.append((_("Turnover clause"), _("none (fixed fee)")))
    rows.append((_("Indexation"), _("none: the base fee stays the same for the whole period")))
    rows.append(
        (
            _("Payment term"),
            _("monthly invoice, to be paid within %(days)d days", days=PAYMENT_TERM_DAYS),
        )
    )
    rows.append(
        (
            _("Deposit"),
            eur_filter(placement.deposit_cents) if placement.deposit_cents else _("none"),
        )
    )
    doc.rows(rows)
    discounts = discount_rows(placement)
    doc.heading(_("Discounts and months free"))
    if discounts:
        doc.paragraph(_("Counted from the first month of the placement:"))
        doc.rows(discounts)
    else:
        doc.paragraph(_("None: the full fee is due from the first month."))
    if offer is not None and offer.note:
        doc.heading(_("Further agreements"))
        doc.paragraph(offer.note)
    if placement.kind == SpaceKind.POPUP:
        doc.paragraph(
            _(
                "This is a temporary let of at most two years; it does not fall under the "
                "protection of art. 7:290 BW."
            )
        )
    doc.heading(_("Signatures"))
    doc.paragraph(_("Starter: ______________________    Date: ____________"))
    doc.paragraph(_("Landlord / intermediary: ______________________    Date: ____________"))
    return doc.output()
