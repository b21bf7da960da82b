"""One way to be bilingual: gettext.

Every text a person reads has an English message id and its Chinese in django.po. A message
made before the reader's language is known (a validation problem raised in a background job, an
event stored in the database) is kept as its message id and parameters and rendered when it is
shown, in the language active then. Stored events are kept as a code and JSON parameters and
rendered through the owning app's `code → message` table, so the stored row never holds prose.
Management commands speak the configured language (`OUTPOST_LANGUAGE`, else LANGUAGE_CODE)."""

from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext, pgettext_lazy

__all__ = [
    "CommandBase",
    "Text",
    "TextList",
    "api_detail",
    "command_language",
    "in_language",
    "render_event",
    "stored",
    "worded",
]


class Text:
    """A message id (lazily translated) and its parameters, rendered in the active language."""

    __slots__ = ("params", "template")

    def __init__(self, template: str | Promise, **params: object) -> None:
        self.template = template
        self.params = params

    def __str__(self) -> str:
        text = str(self.template)
        params = {k: _rendered(v) for k, v in self.params.items()}
        return text % params if params else text

    def __repr__(self) -> str:
        return f"Text({str(self)!r})"

    def __eq__(self, other: object) -> bool:
        return str(self) == str(other)

    def __hash__(self) -> int:
        return hash(str(self))

    def in_language(self, language: str) -> str:
        with translation.override(language):
            return str(self)


class TextList:
    """Items joined by the language's list separator ("、" in Chinese), rendered when shown."""

    __slots__ = ("items", "separator")

    def __init__(
        self, items: "Sequence[Text | str | Promise]", separator: str | Promise | None = None
    ) -> None:
        self.items = items
        self.separator = separator if separator is not None else _LIST_SEPARATOR

    def __str__(self) -> str:
        return str(self.separator).join(str(i) for i in self.items)


_LIST_SEPARATOR = pgettext_lazy("list separator", ", ")


def _rendered(value: object) -> object:
    return str(value) if isinstance(value, Text | TextList | Promise) else value


def render_event(
    messages: Mapping[str, str | Promise], code: str, params: Mapping[str, Any] | None
) -> str:
    """A stored event's text in the active language; an unknown code is shown as itself."""
    template = messages.get(code)
    if template is None:
        return code
    return str(Text(template, **dict(params or {})))


def api_detail(message: "Text | TextList | Promise") -> dict[str, str]:
    """The API's refusal in both of its languages: Chinese in `detail`, English in
    `detail_en` (clients show the first and log the second)."""
    text = Text("%(message)s", message=message)
    return {"detail": text.in_language("zh-hans"), "detail_en": text.in_language("en")}


def stored(value: object) -> object:
    """A message as data to keep (its msgid, context and parameters), worded again when read
    (`worded`): what a job or a log stores is the code, never the words of one language."""
    if isinstance(value, Text):
        params = {k: stored(v) for k, v in value.params.items()}
        return {**_msgid(value.template), "params": params}
    if isinstance(value, TextList):
        return {"list": [stored(i) for i in value.items]}
    if isinstance(value, Promise):
        return {**_msgid(value), "params": {}}
    return value


def _msgid(template: object) -> dict[str, str]:
    args = getattr(template, "_args", None)  # a lazy gettext: (msgid,) or (context, msgid)
    if isinstance(args, tuple) and len(args) == 2:
        return {"context": str(args[0]), "msgid": str(args[1])}
    if isinstance(args, tuple) and len(args) == 1:
        return {"msgid": str(args[0])}
    return {"msgid": str(template)}  # already words: kept as they are


def worded(data: object) -> object:
    """Stored message data (`stored`) in the active language; anything else as it is (rows
    stored before the codes hold their words)."""
    if isinstance(data, dict) and "msgid" in data:
        context = data.get("context")
        text = pgettext(context, data["msgid"]) if context else gettext(data["msgid"])
        params = {k: worded(v) for k, v in (data.get("params") or {}).items()}
        return text % params if params else text
    if isinstance(data, dict) and "list" in data:
        return str(_LIST_SEPARATOR).join(str(worded(i)) for i in data["list"])
    return data


def in_language(language: str, text: object) -> str:
    """`text` (a property or object rendered by str()) read in one fixed language."""
    with translation.override(language):
        return str(text() if callable(text) else text)


def command_language() -> str:
    return str(getattr(settings, "OUTPOST_LANGUAGE", "") or settings.LANGUAGE_CODE)


class CommandBase(BaseCommand):
    """A management command whose messages (output and CommandError) are in the configured
    language: Django leaves commands without an active language of their own."""

    def execute(self, *args: Any, **options: Any) -> Any:
        with translation.override(command_language()):
            return super().execute(*args, **options)
