"""The rule that keeps stored markup from ever running (issue 10, item 4), checked by reading the
project's own templates and scripts (vendored libraries aside):

- scripts build the page from data with text (textContent, DOM nodes), never with HTML strings:
  no innerHTML, outerHTML, insertAdjacentHTML, document.write, eval or new Function;
- a Leaflet tooltip or popup gets a DOM node, never a string: the argument of bindTooltip,
  bindPopup, setContent, setTooltipContent and setPopupContent is a call to a function whose name
  ends in `Node` (the scripts' convention for builders that return nodes);
- templates hold no inline script (every <script> has a src, or is a json_script data block),
  no inline event handler (on…=), no javascript: URL, no style attribute or <style> block (the
  Content-Security-Policy refuses all of these), and switch no escaping off (|safe, autoescape
  off).
"""

import re
from pathlib import Path

import pytest
from django.conf import settings

PACKAGE = Path(settings.BASE_DIR) / "outpost"

SCRIPT_SINKS = re.compile(
    r"\binnerHTML\b|\bouterHTML\b|\binsertAdjacentHTML\b|\bdocument\.write(ln)?\b"
    r"|\beval\s*\(|\bnew\s+Function\b"
)
LEAFLET_SINK = re.compile(
    r"\.(bindTooltip|bindPopup|setContent|setTooltipContent|setPopupContent)\(\s*(?!\w*Node\()"
)
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
DATA_SCRIPT = re.compile(r"""type\s*=\s*["']application/(ld\+)?json["']""", re.IGNORECASE)
TAG = re.compile(r"<[a-zA-Z][^>]*>", re.DOTALL)
HANDLER = re.compile(r"""\son[a-z]+\s*=""", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"""\sstyle\s*=""", re.IGNORECASE)
JS_URL = re.compile(r"javascript:", re.IGNORECASE)
STYLE_TAG = re.compile(r"<style\b", re.IGNORECASE)
UNESCAPED = re.compile(r"\|\s*safe\b|\{%\s*autoescape\s+off\s*%\}")


def _scripts() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("static/**/*.js") if "vendor" not in p.parts)


def _templates() -> list[Path]:
    return sorted(PACKAGE.rglob("templates/**/*.html"))


def _hits(pattern: re.Pattern[str], path: Path) -> list[str]:
    text = path.read_text("utf-8")
    return [
        f"{path.relative_to(PACKAGE)}:{text.count(chr(10), 0, m.start()) + 1}: {m.group(0)}"
        for m in pattern.finditer(text)
    ]


def test_the_rule_reads_the_project_s_own_files() -> None:
    scripts = {p.name for p in _scripts()}
    assert {"map.js", "case_map.js", "board.js", "progress.js"} <= scripts
    assert "leaflet.js" not in scripts and "htmx.min.js" not in scripts
    assert len(_templates()) > 40


@pytest.mark.parametrize("pattern", [SCRIPT_SINKS, LEAFLET_SINK], ids=["html-sinks", "leaflet"])
def test_it_builds_pages_from_data_with_text_only(pattern: re.Pattern[str]) -> None:
    found = [hit for path in _scripts() for hit in _hits(pattern, path)]
    assert found == [], "scripts that would read data as HTML:\n" + "\n".join(found)


def test_it_keeps_every_script_in_a_file() -> None:
    inline = []
    for path in _templates():
        text = path.read_text("utf-8")
        for m in SCRIPT_TAG.finditer(text):
            attributes = m.group(1)
            if "src=" not in attributes and not DATA_SCRIPT.search(attributes):
                inline.append(f"{path.relative_to(PACKAGE)}: {m.group(0)}")
    assert inline == [], "inline scripts (the CSP refuses them):\n" + "\n".join(inline)


@pytest.mark.parametrize(
    "pattern", [HANDLER, STYLE_ATTRIBUTE, JS_URL], ids=["on-handlers", "style", "javascript-url"]
)
def test_it_puts_no_script_or_style_in_markup(pattern: re.Pattern[str]) -> None:
    found = []
    for path in _templates():
        text = path.read_text("utf-8")
        for tag in TAG.finditer(text):
            if pattern.search(tag.group(0)):
                line = text.count("\n", 0, tag.start()) + 1
                found.append(f"{path.relative_to(PACKAGE)}:{line}: {tag.group(0)[:120]}")
    assert found == [], "markup the CSP refuses:\n" + "\n".join(found)


def test_it_keeps_every_style_in_a_file() -> None:
    found = [hit for path in _templates() for hit in _hits(STYLE_TAG, path)]
    assert found == [], "inline <style> blocks (the CSP refuses them):\n" + "\n".join(found)


def test_it_never_switches_escaping_off_in_templates() -> None:
    found = [hit for path in _templates() for hit in _hits(UNESCAPED, path)]
    assert found == [], "templates printing data unescaped:\n" + "\n".join(found)
