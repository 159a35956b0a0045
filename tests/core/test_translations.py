"""Every text the code and templates show has its Dutch translation (Dutch is the default
language: an untranslated text would appear in English in the middle of a Dutch page)."""

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "vrijstad/translations/nl/LC_MESSAGES/messages.po"


def _extracted(tmp_path: Path) -> set[str]:
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [str(Path(sys.executable).with_name("pybabel")), "extract", "-F", "babel.cfg"]
        + ["-k", "_l", "-k", "lazy_gettext", "-o", str(pot), "."],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as handle:
        return {str(m.id if isinstance(m.id, str) else m.id[0]) for m in read_po(handle) if m.id}


def test_every_shown_text_has_a_dutch_translation(tmp_path):
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle)
    translated = set()
    for message in catalogue:
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.id and all(strings) and not message.fuzzy:
            translated.add(str(message.id if isinstance(message.id, str) else message.id[0]))
    missing = sorted(_extracted(tmp_path) - translated)
    assert missing == [], f"{len(missing)} texts without a Dutch translation: {missing[:20]}"
