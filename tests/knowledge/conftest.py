"""Knowledge base: the shipped articles (loaded by the data migration), a handbook cache in the
test's own folder, and a helper to put a version through review."""

from pathlib import Path
from typing import Any

import pytest

from outpost.accounts.models import User
from outpost.knowledge import services
from outpost.knowledge.models import ArticleVersion


@pytest.fixture(autouse=True)
def handbook_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path / "var"


def text(title: str = "垃圾分类投放须知", kind: str = "procedure", body: str = "") -> services.Text:
    return services.Text(
        kind=kind,
        title=title,
        body=body or "## 投放时间\n\n每天早晚两次定时投放。\n\n具体时间以小区公告为准。",
        tags="垃圾分类,环境",
    )


def published(author: User, reviewer: User, **more: str) -> ArticleVersion:
    draft = services.write_article(text(**more), actor=author)
    services.submit_version(draft, actor=author)
    return services.approve_version(draft, actor=reviewer)
