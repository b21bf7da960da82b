"""The header's menu: each app registers its items at start-up (`AppConfig.ready`), each with the
rule deciding who is shown it, so base.html names no app and a link is offered exactly where the
page behind it would open.

An item's rule is the same one its page checks (the registry's "may see the registry", the
instructions' "uses instructions", …): whoever is not shown an item would be refused (403) or
find nothing (404) behind it. Rules are asked once per request: the answer is kept on the user
object, which lives as long as the request.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise

if TYPE_CHECKING:  # the user model lives in accounts, a layer above
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser

    Viewer = AbstractBaseUser | AnonymousUser
else:
    Viewer = Any

Rule = Callable[[Any], bool]


def signed_in(user: "Viewer") -> bool:
    return bool(user.is_authenticated)


@dataclass(frozen=True)
class MenuItem:
    key: str  # unique, e.g. "registry"
    label: str | Promise  # gettext_lazy: worded in the reader's language when rendered
    url_name: str  # reversed when rendered, e.g. "registry:people"
    order: int  # left to right
    shown_to: Rule = signed_in  # (user) -> whether the user holds the right behind the page


MENU: dict[str, MenuItem] = {}


def register(
    key: str, label: str | Promise, url_name: str, *, order: int, shown_to: Rule = signed_in
) -> None:
    """Add (or, on a second `ready`, replace) an item; apps call this from `AppConfig.ready`."""
    MENU[key] = MenuItem(key, label, url_name, order, shown_to)


def items_for(user: "Viewer") -> list[MenuItem]:
    """The items this user is shown, in order; asked once per request (kept on the user)."""
    if not user.is_authenticated:
        return []
    kept = user.__dict__.get("_outpost_menu")
    if kept is None:
        kept = [i for i in sorted(MENU.values(), key=_order) if i.shown_to(user)]
        user.__dict__["_outpost_menu"] = kept
    return kept


def _order(item: MenuItem) -> tuple[int, str]:
    return (item.order, item.key)
