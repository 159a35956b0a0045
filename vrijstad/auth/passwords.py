"""Password policy: long enough, not guessable, not built from the user's own name or e-mail.

Guessability is estimated by zxcvbn, which knows some 30,000 common passwords, English words
and names, keyboard patterns (qwerty and keypad), sequences, repeats and dates. It does not
know Dutch, so the Dutch and site words people build passwords from (`site_words.txt`) and the
user's own name and e-mail address go in as extra words, and `common_passwords.txt` lists
Dutch passwords it would miss. A password must reach zxcvbn's score 3 ("safely unguessable":
about 10^8 guesses or more), may not be digits only, and may not be those words with nothing
but digits and punctuation around them (`vrijstad-demo-2026`).
"""

import re
from functools import cache
from pathlib import Path

from zxcvbn import zxcvbn

from vrijstad.i18n import lazy_gettext as _l

MIN_LENGTH = 10
MIN_SCORE = 3
#: zxcvbn refuses longer input; the first part of a longer password is what gets guessed.
ESTIMATE_LENGTH = 72


def _read_list(name: str) -> list[str]:
    text = (Path(__file__).parent / name).read_text(encoding="utf-8")
    return [line.strip().lower() for line in text.splitlines() if line and not line.startswith("#")]


@cache
def common_passwords() -> frozenset[str]:
    return frozenset(_read_list("common_passwords.txt"))


@cache
def site_words() -> tuple[str, ...]:
    return tuple(_read_list("site_words.txt"))


def _own_words(email: str, name: str) -> list[str]:
    """The parts of the user's e-mail address and name worth guessing (four letters or more)."""
    local, _at, domain = email.lower().partition("@")
    parts = [local, *re.split(r"[^a-z0-9]+", local), *domain.split(".")[:-1]]
    parts += [name.lower().replace(" ", ""), *name.lower().split()]
    return [part for part in dict.fromkeys(parts) if len(part) >= 4]


def _letters_beyond(password: str, words: list[str]) -> bool:
    """Whether any letter is left once the given words are taken out."""
    for word in sorted(words, key=len, reverse=True):
        password = password.replace(word, "")
    return re.search(r"[^\W\d_]", password) is not None


def password_problem(password: str, email: str = "", name: str = "") -> str | None:
    """Why a password is refused, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return str(_l("Use at least %(n)d characters.", n=MIN_LENGTH))
    lowered = password.lower()
    if lowered in common_passwords() or len(set(lowered)) <= 2:
        return str(_l("This password is too common; choose one that is harder to guess."))
    own = _own_words(email, name)
    if any(word in lowered for word in own):
        return str(_l("Do not build your password from your name or e-mail address."))
    if password.isdigit():
        return str(_l("A password of digits only is easy to guess; use words as well."))
    words = [*site_words(), *own]
    estimate = zxcvbn(password[:ESTIMATE_LENGTH], user_inputs=words)
    if estimate["score"] < MIN_SCORE or not _letters_beyond(lowered, words):
        return str(
            _l(
                "This password is too easy to guess: it is built from common words, the "
                "site's name or a pattern such as 12345 or qwerty. String a few unrelated "
                "words together."
            )
        )
    return None
