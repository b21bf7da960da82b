"""The app's URLs plus /bench/anchor.json: a JSON view that does nothing, through the same
middleware on the same server - what any request costs before the app's own work."""

import time

from django.http import HttpRequest, JsonResponse
from django.urls import include, path


def anchor(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True, "at": time.time()})


urlpatterns = [
    path("bench/anchor.json", anchor),
    path("", include("outpost.urls")),
]
