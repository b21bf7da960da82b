"""Open311 under /open311/ (namespace "open311"): GeoReport v2 and the keys page. Every
GeoReport resource ends in its format, `.json` or `.xml`."""

from django.urls import path, register_converter

from outpost.open311 import pages, views


class FormatConverter:
    regex = "json|xml"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FormatConverter, "fmt")

app_name = "open311"
urlpatterns = [
    path("v2/discovery.<fmt:fmt>", views.discovery, name="discovery"),
    path("v2/services.<fmt:fmt>", views.services, name="services"),
    path("v2/services/<slug:code>.<fmt:fmt>", views.service_definition, name="service"),
    path("v2/requests.<fmt:fmt>", views.requests, name="requests"),
    path("v2/requests/<slug:number>.<fmt:fmt>", views.request_detail, name="request"),
    path("v2/tokens/<slug:token>.<fmt:fmt>", views.token, name="token"),
    path("keys/", pages.key_list, name="keys"),
    path("keys/<int:pk>/deactivate/", pages.deactivate, name="deactivate"),
]
