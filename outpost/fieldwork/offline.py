"""The grid worker's phone app (离线外勤): an installable page that keeps today's tasks and queues
patrol check-ins, visits and reports while the network is gone.

Three answers make it installable and usable offline: the page itself, its web app manifest and
its service worker. The worker is served from /fieldwork/sw.js so that it controls /fieldwork/
only; its cache name carries a digest of what it caches, so a new release replaces the old copy.
"""

import hashlib
import json
from functools import lru_cache

from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from outpost.accounts.signed_in import SignedInRequest
from outpost.fieldwork.queries import may_work

WORKER = "fieldwork/sw.js"
# What the worker keeps for the page to open offline (the page's own URL is added).
SHELL = (
    "outpost/site.css",
    "outpost/site.js",
    "outpost/favicon.svg",
    "fieldwork/app.css",
    "fieldwork/app.js",
    "fieldwork/icons/icon-192.png",
    "fieldwork/icons/icon-512.png",
)


@login_required
@require_GET
def app(request: SignedInRequest) -> HttpResponse:
    if not may_work(request.user):
        raise PermissionDenied
    api = reverse("api:api-root")
    context = {
        "labels": _labels(),
        "urls": {
            "today": f"{api}fieldwork/today",
            "sync": f"{api}fieldwork/sync",
            "worker": reverse("fieldwork:service_worker"),
            "scope": reverse("fieldwork:patrols"),
        },
    }
    return render(request, "fieldwork/app.html", context)


def _labels() -> dict[str, str]:
    """What the script writes itself, in the reader's language."""
    return {
        "online": _("Online: records are sent at once"),
        "offline": _("Offline: records are kept on this phone and sent when the network returns"),
        "signIn": _("Signed out: sign in again, then the records will be sent"),
        "serverError": _("The server did not take the records; they wait for the next try"),
        "noTasks": _("Open this page once with the network to keep today's tasks on the phone"),
        "asOf": _("Tasks as of"),
        "waiting": _("Waiting"),
        "sent": _("Sent"),
        "refused": _("Refused"),
        "conflict": _("Conflict"),
        "sendAnyway": _("Send anyway"),
        "drop": _("Drop"),
        "visit": _("Visit"),
        "overdue": _("overdue"),
        "dueOn": _("due"),
        "neverVisited": _("never visited"),
        "locating": _("Finding your position…"),
        "noPosition": _("The phone gave no position: allow location and try again"),
        "patrolStart": _("Patrol started"),
        "checkin": _("Check-in"),
        "patrolEnd": _("Patrol ended"),
        "visitOf": _("Visit"),
        "case": _("Report"),
        "walking": _("Patrol under way in"),
        "saved": _("Saved on the phone"),
        "fillTitle": _("Give the report a title and choose its type"),
        "checkInFirst": _("Check in first, so the case has a place"),
        "fillMet": _("Say who was met (or that nobody was in)"),
        "noService": _("No service request"),
        "fillService": _("Choose how to help and give a phone number to call back on"),
        "otherUser": _("Kept for another account: sign in as them to send"),
    }


@require_GET
@cache_control(no_cache=True)
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker script; public, like the static files it lists."""
    page = reverse("fieldwork:app")
    config = {
        "CACHE": f"outpost-field-{_digest()}",
        "SHELL": [page, *(static(path) for path in SHELL)],
        "PAGE": page,
    }
    script = f"self.CONFIG = {json.dumps(config)};\n{_worker_script()}"
    return HttpResponse(script, content_type="text/javascript; charset=utf-8")


@lru_cache(maxsize=1)
def _worker_script() -> str:
    found = finders.find(WORKER)
    assert isinstance(found, str), WORKER
    with open(found, encoding="utf-8") as handle:
        return handle.read()


@lru_cache(maxsize=1)
def _digest() -> str:
    """A digest of the cached files and the worker itself: a release that changes them gets a
    new cache, and the old one is dropped when the new worker takes over."""
    digest = hashlib.sha256()
    for path in (*SHELL, WORKER):
        found = finders.find(path)
        if isinstance(found, str):
            with open(found, "rb") as handle:
                digest.update(handle.read())
    return digest.hexdigest()[:12]


@require_GET
def manifest(request: HttpRequest) -> JsonResponse:
    """The web app manifest: installed, the app opens on today's field work."""
    data = {
        "name": _("Outpost field work"),
        "short_name": _("Field work"),
        "lang": get_language() or "zh-hans",
        "start_url": reverse("fieldwork:app"),
        "scope": reverse("fieldwork:patrols"),
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#1d4ed8",
        "icons": [
            {"src": static(f"fieldwork/icons/icon-{n}.png"), "sizes": f"{n}x{n}"}
            for n in (192, 512)
        ],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response
