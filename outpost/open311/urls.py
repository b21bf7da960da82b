"""Open311 under /open311/ (namespace "open311"): GeoReport v2 and the keys page."""

from django.urls import path, re_path

from outpost.open311 import pages, views

F = r"\.(?P<fmt>json|xml)$"
app_name = "open311"
urlpatterns = [
    re_path(r"^v2/discovery" + F, views.discovery, name="discovery"),
    re_path(r"^v2/services" + F, views.services, name="services"),
    re_path(r"^v2/services/(?P<code>[0-9A-Za-z_-]{1,20})" + F, views.service_definition,
            name="service"),
    re_path(r"^v2/requests" + F, views.requests, name="requests"),
    re_path(r"^v2/requests/(?P<number>[0-9A-Za-z_-]{1,24})" + F, views.request_detail,
            name="request"),
    re_path(r"^v2/tokens/(?P<token>[0-9A-Za-z_-]{1,32})" + F, views.token, name="token"),
    path("keys/", pages.key_list, name="keys"),
    path("keys/<int:pk>/deactivate/", pages.deactivate, name="deactivate"),
]
