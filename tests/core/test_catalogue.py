"""The Chinese catalogue ships whole: every entry translated, none fuzzy, and the compiled .mo
that Django reads says exactly what the .po says (branches append to the .po; a stale .mo would
show English on pages without any other test noticing)."""

import ast
import gettext
from pathlib import Path

from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "outpost" / "locale" / "zh_Hans" / "LC_MESSAGES"


def _entries(po: str) -> list[dict[str, object]]:
    """The .po's entries: flags, msgctxt, msgid, msgid_plural and msgstr / msgstr[n]."""
    entries: list[dict[str, object]] = []
    entry: dict[str, object] = {"flags": ""}
    key = ""
    for line in [*po.splitlines(), ""]:
        line = line.strip()
        if not line:
            if "msgid" in entry:
                entries.append(entry)
            entry, key = {"flags": ""}, ""
        elif line.startswith("#,"):
            entry["flags"] = line
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            entry[key] = str(entry[key]) + ast.literal_eval(line)
        else:
            key, _, text = line.partition(" ")
            entry[key] = ast.literal_eval(text)
    return entries


def _messages() -> list[dict[str, object]]:
    return [e for e in _entries((LOCALE / "django.po").read_text("utf-8")) if e["msgid"]]


def test_it_translates_every_entry_and_leaves_none_fuzzy() -> None:
    def translated(e: dict[str, object]) -> bool:
        return any(v for k, v in e.items() if k.startswith("msgstr"))

    untranslated = [e["msgid"] for e in _messages() if not translated(e)]
    fuzzy = [e["msgid"] for e in _messages() if "fuzzy" in str(e["flags"])]
    assert (untranslated, fuzzy) == ([], [])


def test_it_ships_a_compiled_catalogue_that_says_what_the_po_says() -> None:
    with (LOCALE / "django.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)._catalog  # type: ignore[attr-defined]
    stale = []
    for e in _messages():
        msgid = f"{e['msgctxt']}\x04{e['msgid']}" if "msgctxt" in e else str(e["msgid"])
        if "msgid_plural" in e:
            if compiled.get((msgid, 0)) != e["msgstr[0]"]:
                stale.append(msgid)
        elif compiled.get(msgid) != e["msgstr"]:
            stale.append(msgid)
    assert stale == [], "recompile: msgfmt -o …/django.mo …/django.po"
