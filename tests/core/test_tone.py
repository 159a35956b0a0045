"""Tone: the app says "je" to people; "u" only in formal documents (the subsidy decision
letters, the vacancy bylaw's letters to owners). Every e-mail has a text and an HTML part."""

import re
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "vrijstad" / "translations" / "nl" / "LC_MESSAGES" / "messages.po"
MAIL = ROOT / "templates" / "mail"

#: Texts of formal documents (the decision letters of vrijstad/subsidies/documents.py).
FORMAL = {
    "If you do not agree with this decision, you can object to it. Do so within six weeks of "
    "the day after this decision was sent, so no later than %(date)s, with %(body)s.",
    "Send a signed letter (notice of objection) stating your name and address, the date, the "
    "decision you object to (dossier number %(dossier)s of %(decided)s) and the reasons why you "
    "object.",
    # the refusal (vrijstad/subsidies/documents.py)
    "We do not grant your application for a subsidy under the scheme %(scheme)s.",
    # the vacancy bylaw's letters to an owner (vrijstad/bylaw/documents.py)
    "If this date does not suit you, please propose another date within two weeks.",
    "The unit at %(address)s has been vacant since %(since)s. We invite you to consult with us "
    "about its use on %(date)s. We would like to discuss how the unit can be used again soon, "
    "and what we can offer you, such as help with letting, a contest for starters or a subsidy.",
    "Under the vacancy bylaw, %(municipality)s may therefore propose a user for the unit. We "
    "will send you the proposal; you are asked to give the proposed user the opportunity to "
    "rent the unit on reasonable terms.",
    # the mail that carries a bylaw letter (templates/mail/bylaw_letter.*)
    "Enclosed is the letter from %(municipality)s about the unit at %(address)s: %(title)s.",
    "We ask you to report the vacancy within two weeks of the date of this letter. Failing to "
    "report may be fined. If the unit is in use again, please let us know, so that we can close "
    "the file.",
}
FORMAL_YOU = re.compile(r"\b(u|uw|uzelf)\b", re.IGNORECASE)


def test_dutch_says_je_outside_formal_documents():
    with CATALOGUE.open("rb") as po:
        catalogue = read_po(po, locale="nl")
    formal_you = []
    for message in catalogue:
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        if not msgid or msgid in FORMAL:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        formal_you += [s for s in strings if s and FORMAL_YOU.search(s)]
    assert formal_you == []


def test_the_formal_texts_still_exist():
    with CATALOGUE.open("rb") as po:
        ids = {m.id for m in read_po(po, locale="nl")}
    assert ids >= FORMAL


def test_every_mail_has_a_text_and_an_html_part():
    texts = {p.stem for p in MAIL.glob("*.txt")}
    pages = {p.stem for p in MAIL.glob("*.html") if not p.stem.startswith("_")}
    assert texts == pages
