"""The repository explains itself: the README's settings table, docs/architecture.md naming
only what exists, and the layer contract covering every app."""

import importlib
import importlib.util
import re
import tomllib
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
ARCHITECTURE = ROOT / "docs" / "architecture.md"

# env_str("NAME" …), env_int(…), os.environ.get("NAME"), os.environ["NAME"], os.getenv("NAME") …
_READS = re.compile(
    r"""(?:env_(?:str|bool|int|list|choice)\(\s*|os\.environ(?:\.get|\.setdefault)?[(\[]\s*"""
    r"""|os\.getenv\(\s*)["']([A-Z][A-Z0-9_]+)["']"""
)


def _variables_read() -> set[str]:
    names: set[str] = set()
    for path in (ROOT / "outpost").rglob("*.py"):
        if path.name != "env.py":  # the helpers themselves read whatever name they are given
            names |= set(_READS.findall(path.read_text(encoding="utf-8")))
    return names


def _configuration_section() -> str:
    return README.split("## Configuration", 1)[1].split("\n## ", 1)[0]


def test_it_documents_every_environment_variable_it_reads() -> None:
    read = _variables_read()
    assert "OUTPOST_FIELD_KEY" in read and "DATABASE_URL" in read  # the scan finds them
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", _configuration_section()))
    assert sorted(read - documented) == []


def test_it_points_at_its_own_architecture_document() -> None:
    assert "docs/architecture.md" in README
    assert "../" not in README  # nothing outside the repository
    assert ARCHITECTURE.exists()


def test_it_names_only_files_and_modules_that_exist_in_the_architecture_document() -> None:
    text = ARCHITECTURE.read_text(encoding="utf-8")
    paths = set(re.findall(r"`((?:outpost|tests|docs)/[\w./-]+?)(?:/)?`", text))
    assert paths, "the document names files"
    assert sorted(p for p in paths if not (ROOT / p).exists()) == []
    dotted = set(re.findall(r"`(outpost(?:\.\w+)+)`", text))
    assert sorted(d for d in dotted if not _resolves(d)) == []


def _resolves(dotted: str) -> bool:
    """A module, or an attribute of the longest module prefix (outpost.core.staff.STAFF_NAMES)."""
    parts = dotted.split(".")
    obj, cut = importlib.import_module(parts[0]), 1
    while cut < len(parts) and importlib.util.find_spec(".".join(parts[: cut + 1])) is not None:
        cut += 1
        obj = importlib.import_module(".".join(parts[:cut]))
        if not hasattr(obj, "__path__"):  # a module, not a package: the rest are attributes
            break
    for name in parts[cut:]:
        if not hasattr(obj, name):
            return False
        obj = getattr(obj, name)
    return True


def test_it_puts_every_app_in_the_layers_contract() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    layers = next(c["layers"] for c in contracts if c["type"] == "layers")
    in_contract = {name.strip() for layer in layers for name in re.split(r"[|:]", layer)}
    packages = {f"outpost.{p.parent.name}" for p in (ROOT / "outpost").glob("*/__init__.py")}
    apps = {a for a in settings.INSTALLED_APPS if a.startswith("outpost.")}
    assert sorted((packages | apps) - in_contract) == []
    assert layers[-1] == "outpost.core" and settings.INSTALLED_APPS[-1] == "outpost.demo"
