"""The password policy: guessable passwords are refused with a reason, passphrases pass."""

import pytest

from tests.conftest import PASSWORD
from vrijstad.auth.passwords import common_passwords, password_problem

EMAIL, NAME = "joost.vermeulen@bakkerijdewit.nl", "Joost Vermeulen"
DIGITS = "Een wachtwoord van alleen cijfers"
GUESSABLE = "Dit wachtwoord is te makkelijk te raden"
COMMON = "Dit wachtwoord komt te vaak voor"
OWN = "Gebruik je naam of e-mailadres niet"


@pytest.fixture(autouse=True)
def _request(app):
    with app.test_request_context():
        yield


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("12345678901234", DIGITS),  # the three examples of issue #25
        ("Welkom012345", GUESSABLE),
        ("vrijstad-demo", GUESSABLE),
        ("83920174658392", DIGITS),  # random digits are still digits only
        ("vrijstad-demo-2026", GUESSABLE),  # site words with a year around them
        ("Binnenstad!2026", GUESSABLE),
        ("qwertyuiop12", GUESSABLE),  # a keyboard row
        ("1qaz2wsx3edc4rfv", GUESSABLE),  # a keyboard pattern
        ("abcdefghijklmn", GUESSABLE),  # a sequence
        ("zzzzzzzzzzzz", COMMON),  # one character
        ("abababababab", COMMON),
        ("password1234", COMMON),  # zxcvbn's and our own lists
        ("iloveyou2026", GUESSABLE),
        ("wachtwoord123", COMMON),
        ("vermeulen2026", OWN),  # the user's own name
        ("joost.vermeulen!", OWN),
        ("bakkerijdewit1", OWN),  # the e-mail domain
    ],
)
def test_guessable_passwords_are_refused_with_their_reason(password, reason):
    problem = password_problem(password, EMAIL, NAME)
    assert problem is not None and problem.startswith(reason), (password, problem)


GOOD = [
    PASSWORD,
    "Zonnebloem-Kast-Fiets-81",
    "regenachtig plein bij de haven",
    "Vrijstad-Zonnebloem-Kast",  # a site word among others is fine
    "k8#Qv2!mZr7p",
    "Ti3r-Mo0s-" + "x9" * 60,  # longer than zxcvbn reads
]


@pytest.mark.parametrize("password", GOOD)
def test_good_passphrases_pass(password):
    assert password_problem(password, EMAIL, NAME) is None


def test_short_passwords_are_refused_first():
    assert password_problem("Kort-1!", EMAIL, NAME).startswith("Gebruik minstens 10 tekens")


def test_the_dutch_list_is_loaded():
    assert "welkom12345" in common_passwords() and len(common_passwords()) > 50
