"""One way to be bilingual: gettext. No module builds the text people read by choosing a
language by hand — no (Chinese, English) pairs, no `.zh`/`.en` picked from a problem, no
`get_language().startswith("zh")` branches, no {"zh": …, "en": …} tables. A new pair fails here;
write an English msgid and put its Chinese in django.po instead."""

import ast
import re
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

PACKAGE = Path(settings.BASE_DIR) / "outpost"
CJK = re.compile(r"[\u4e00-\u9fff]")
ENGLISH_PHRASE = re.compile(r"^[A-Za-z][A-Za-z ,.'()-]*[ -][A-Za-z ,.'()-]*$")

# Modules allowed to do what the guard refuses, and why. Keep this list short.
ALLOWED = {
    # The `.zh`/`.en` properties themselves: a message rendered in one fixed language.
    "registry/validators.py": "defines FieldProblem.zh/.en (rendered through gettext)",
    "registry/tabular.py": "defines TableError.zh/.en (rendered through gettext)",
    "core/crypto.py": "defines DecryptionError.zh/.en (rendered through gettext)",
    "geo/boundaries/problems.py": "defines Problem.zh/.en (rendered through gettext)",
}


def _modules() -> Iterator[tuple[str, ast.Module]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if "/migrations/" in f"/{relative}" or relative in ALLOWED:
            continue
        yield relative, ast.parse(path.read_text("utf-8"), filename=str(path))


def _text(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _is_pair(node: ast.Tuple) -> bool:
    texts = [_text(e) for e in node.elts]
    if len(texts) != 2 or None in texts:
        return False
    chinese = [t for t in texts if t and CJK.search(t)]
    english = [t for t in texts if t and ENGLISH_PHRASE.match(t)]
    return len(chinese) == 1 and len(english) == 1


def _written_details(node: ast.Dict) -> bool:
    """{"detail": "…", "detail_en": "…"} with both texts written out in the code."""
    texts = {_text(k): v for k, v in zip(node.keys, node.values, strict=True) if k}
    written = (ast.Constant, ast.JoinedStr)
    return all(isinstance(texts.get(key), written) for key in ("detail", "detail_en"))


def _findings(node: ast.AST) -> Iterator[str]:
    if isinstance(node, ast.Attribute) and node.attr in ("zh", "en"):
        yield f"picks .{node.attr}"
    elif isinstance(node, ast.keyword) and node.arg in ("zh", "en"):
        yield f"passes {node.arg}="
    elif isinstance(node, ast.arg) and node.arg in ("zh", "en"):
        yield f"takes a parameter {node.arg}"
    elif isinstance(node, ast.Name) and node.id in ("zh", "en"):
        yield f"names a variable {node.id}"
    elif isinstance(node, ast.Dict) and _written_details(node):
        yield 'writes {"detail": …, "detail_en": …} by hand (use core.i18n.api_detail)'
    elif isinstance(node, ast.Dict) and {"zh", "en"} <= {_text(k) for k in node.keys if k}:
        yield 'builds {"zh": …, "en": …}'
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        if node.func.attr == "startswith" and any(_text(a) in ("zh", "en") for a in node.args):
            yield 'branches on startswith("zh")'
    elif isinstance(node, ast.FunctionDef) and node.name.strip("_") in ("chinese", "is_chinese"):
        yield f"defines {node.name}()"
    elif isinstance(node, ast.Tuple) and _is_pair(node):
        yield f"pairs Chinese with English: {ast.unparse(node)[:60]}"


def test_it_finds_no_module_choosing_a_language_by_hand() -> None:
    found = [
        f"outpost/{relative}:{getattr(node, 'lineno', '?')}: {finding}"
        for relative, tree in _modules()
        for node in ast.walk(tree)
        for finding in _findings(node)
    ]
    assert found == [], "use gettext (English msgid, Chinese in django.po):\n" + "\n".join(found)


def test_it_would_catch_a_new_pair() -> None:
    tree = ast.parse(
        'raise Problem("x", zh="为空", en="is empty")\n'
        'label = ("自相交", "self-intersection")\n'
        'if get_language().startswith("zh"): pass\n'
        'TEXT = {"zh": "空", "en": "empty"}\n'
        "shown = problem.zh\n"
        'zh, en = "请求过大", "Request too large"\n'
        'CONFLICT = {"detail": "已处理", "detail_en": "Someone acted first"}\n'
    )
    kinds = {finding.split(" ")[0] for node in ast.walk(tree) for finding in _findings(node)}
    assert kinds == {"passes", "pairs", "branches", "builds", "picks", "names", "writes"}
