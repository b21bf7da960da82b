"""The `outpost` commands speak through the same catalogue as the pages: Chinese by default,
English when OUTPOST_LANGUAGE selects it, errors and output alike."""

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

pytestmark = pytest.mark.django_db


def _error(*args: str) -> str:
    with pytest.raises(CommandError) as caught:
        call_command(*args, stdout=StringIO())
    return str(caught.value)


def test_it_refuses_in_chinese_by_default() -> None:
    assert _error("users", "reset-2fa", "nobody") == "用户不存在：nobody"


def test_it_refuses_in_english_when_english_is_selected(settings: Any) -> None:
    settings.OUTPOST_LANGUAGE = "en"
    assert _error("users", "reset-2fa", "nobody") == "No such user: nobody"


def test_it_names_a_file_problem_in_the_selected_language(settings: Any, tmp_path: Any) -> None:
    empty = tmp_path / "people.csv"
    empty.write_bytes(b"")
    assert _error("registry", "import", "persons", str(empty)) == f"{empty}：文件为空"
    settings.OUTPOST_LANGUAGE = "en"
    assert _error("registry", "import", "persons", str(empty)) == f"{empty}: the file is empty"


def test_it_prints_its_output_in_the_selected_language(settings: Any) -> None:
    settings.OUTPOST_LANGUAGE = "en"
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert out.getvalue().startswith("The access log is intact: 0 rows")
    settings.OUTPOST_LANGUAGE = "zh-hans"
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert out.getvalue().startswith("访问日志完整：0 条")


def test_it_leaves_the_callers_language_as_it_was(settings: Any) -> None:
    settings.OUTPOST_LANGUAGE = "en"
    with translation.override("zh-hans"):
        _error("users", "reset-2fa", "nobody")
        assert translation.get_language() == "zh-hans"
