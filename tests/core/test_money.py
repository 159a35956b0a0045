"""Money: exact splits, parsing and Dutch formatting."""

import random
from decimal import Decimal

import pytest
from babel.numbers import format_currency

from vrijstad.money import AmountError, format_eur, format_whole_eur, parse_eur, split_cents


def test_split_adds_up_to_the_cent():
    rng = random.Random(7)
    for _ in range(500):
        total = rng.randint(-(10**7), 10**7)
        weights = [rng.randint(0, 100) for _ in range(rng.randint(1, 6))]
        if not any(weights):
            weights[0] = 1
        parts = split_cents(total, weights)
        assert sum(parts) == total
        exact = [total * w / sum(weights) for w in weights]
        assert all(abs(p - e) < 1 for p, e in zip(parts, exact, strict=True))


def test_split_gives_leftover_cents_to_largest_remainders():
    assert split_cents(100, [1, 1, 1]) == [34, 33, 33]
    assert split_cents(1000, [70, 20, 10]) == [700, 200, 100]
    assert split_cents(1, [1, 2]) == [0, 1]


def test_split_refuses_nonsense_weights():
    with pytest.raises(ValueError):
        split_cents(100, [])
    with pytest.raises(ValueError):
        split_cents(100, [0, 0])
    with pytest.raises(ValueError):
        split_cents(100, [1, -1])


def test_whole_euros_round_half_up_in_each_languages_style():
    assert format_whole_eur(184_800) == "€\xa01.848"
    assert format_whole_eur(184_849) == "€\xa01.848"
    assert format_whole_eur(184_850) == "€\xa01.849"
    assert format_whole_eur(49) == "€\xa00"
    assert format_whole_eur(184_850, "en") == "€1,849"
    assert format_whole_eur(None) == ""


def test_format_eur_dutch_and_english():
    assert format_eur(123456) == "€\xa01.234,56"
    assert format_eur(5) == "€\xa00,05"
    assert format_eur(123456, "en") == "€1,234.56"


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("1.234,56", 123456),
        ("1234,5", 123450),
        ("12.50", 1250),
        ("€ 750", 75000),
        ("1.250", 125000),
    ],
)
def test_parse_eur(text, cents):
    assert parse_eur(text) == cents


@pytest.mark.parametrize("text", ["", "abc", "1,2,3", "12,345"])
def test_parse_eur_refuses_garbage(text):
    with pytest.raises(AmountError):
        parse_eur(text)


def test_format_eur_is_babels_format_for_any_amount():
    rng = random.Random(11)
    for locale in ("nl", "en"):
        for _ in range(2000):
            cents = rng.randint(-(10**12), 10**12) if rng.random() < 0.5 else rng.randint(0, 10**6)
            expected = format_currency(Decimal(cents) / 100, "EUR", locale=locale)
            assert format_eur(cents, locale) == expected
