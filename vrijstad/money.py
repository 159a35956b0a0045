"""Money as integer cents: exact splitting, parsing and Dutch formatting."""

import re
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import lru_cache

from babel import Locale
from babel.numbers import format_currency

_AMOUNT = re.compile(r"^\s*(?:€\s*)?(-?)(\d{1,3}(?:\.\d{3})+|\d+)(?:[,.](\d{1,2}))?\s*$")
_PLAIN_DECIMAL = re.compile(r"^\s*(?:€\s*)?(-?)(\d+)\.(\d{1,2})\s*$")


class AmountError(ValueError):
    """Text that is not an amount in euros."""


def split_cents(total_cents: int, weights: Sequence[int | Fraction | Decimal]) -> list[int]:
    """Split an amount by weights with largest-remainder rounding; the parts sum to the total."""
    if not weights:
        raise ValueError("split_cents needs at least one weight")
    whole = [w for w in weights if type(w) is int]
    if len(whole) == len(weights):
        return _split_int(total_cents, whole)
    fractions = [Fraction(w) for w in weights]
    if any(f < 0 for f in fractions):
        raise ValueError("weights must not be negative")
    weight_sum = sum(fractions)
    if weight_sum == 0:
        raise ValueError("weights must not all be zero")
    sign = -1 if total_cents < 0 else 1
    magnitude = abs(total_cents)
    exact = [magnitude * f / weight_sum for f in fractions]
    parts = [int(x) for x in exact]  # floor: every exact share is non-negative
    remainder = magnitude - sum(parts)
    # Hand out the leftover cents to the largest fractional parts; ties go to the earlier part.
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in order[:remainder]:
        parts[i] += 1
    return [sign * p for p in parts]


def _split_int(total_cents: int, weights: list[int]) -> list[int]:
    """split_cents for integer weights, in integer arithmetic (the same result, faster)."""
    if any(w < 0 for w in weights):
        raise ValueError("weights must not be negative")
    weight_sum = sum(weights)
    if weight_sum == 0:
        raise ValueError("weights must not all be zero")
    sign = -1 if total_cents < 0 else 1
    magnitude = abs(total_cents)
    parts, remainders = [], []
    for w in weights:
        part, rest = divmod(magnitude * w, weight_sum)
        parts.append(part)
        remainders.append(rest)
    leftover = magnitude - sum(parts)
    order = sorted(range(len(weights)), key=lambda i: (-remainders[i], i))
    for i in order[:leftover]:
        parts[i] += 1
    return [sign * p for p in parts]


class Cents(int):
    """An amount in euro cents that a message shows as money (€ 1.234,56 in Dutch). A service
    puts it among a refusal's values; the text is made where the refusal is shown, in the
    reader's language."""

    __slots__ = ()


def parse_eur(text: str) -> int:
    """Parse '1.234,56', '1234,5', '1234.56' or '€ 12' into cents."""
    match = _PLAIN_DECIMAL.match(text) or _AMOUNT.match(text)
    if not match:
        raise AmountError(text)
    sign, whole, frac = match.groups()
    cents = int(whole.replace(".", "")) * 100 + int((frac or "0").ljust(2, "0"))
    return -cents if sign else cents


def format_eur(cents: int | None, locale: str = "nl") -> str:
    """Format cents as euros in the locale's style, e.g. '€ 1.234,56' in Dutch."""
    if cents is None:
        return ""
    return _babel_eur(cents, locale)


@lru_cache(maxsize=8192)
def _babel_eur(cents: int, locale: str) -> str:
    """Babel's format_currency, remembered: it takes about 0.1 ms an amount, and pages show
    the same amounts (rents, fees) again and again. The text follows from the amount and the
    locale alone."""
    return format_currency(Decimal(cents).scaleb(-2), "EUR", locale=locale)


def format_whole_eur(cents: int | None, locale: str = "nl") -> str:
    """Format cents rounded to whole euros (half up) in the locale's style, e.g. '€ 1.848' in
    Dutch: for prices read at a glance, such as the rent on a result card."""
    if cents is None:
        return ""
    euros = Decimal(cents).scaleb(-2).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return format_currency(
        euros, "EUR", format=_whole_pattern(locale), locale=locale, currency_digits=False
    )


@lru_cache(maxsize=8)
def _whole_pattern(locale: str) -> str:
    """The locale's currency pattern without decimals ('¤ #,##0' in Dutch)."""
    return Locale.parse(locale).currency_formats["standard"].pattern.replace(".00", "")


def cents_text(cents: int) -> str:
    """Cents as a plain Dutch decimal for spreadsheets: '-1234,56' (no symbol, no grouping)."""
    sign = "-" if cents < 0 else ""
    whole, frac = divmod(abs(cents), 100)
    return f"{sign}{whole},{frac:02d}"
