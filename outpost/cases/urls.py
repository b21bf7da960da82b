"""Case pages: /cases/ for staff (namespace "cases"), /status/ for the public ("status")."""

from django.urls import path

from outpost.cases.views import cases, public

app_name = "cases"
urlpatterns = [
    path("", cases.queue, name="queue"),
    path("report/", cases.report, name="report"),
    path("address-point/", cases.address_point, name="address_point"),
    path("<str:number>/", cases.detail, name="detail"),
    path("<str:number>/act/<str:action>/", cases.act, name="act"),
    path("<str:number>/files/<int:pk>/", cases.attachment, name="attachment"),
]

public_urlpatterns = (
    [
        path("", public.lookup, name="lookup"),
        path("<str:code>/", public.status, name="case"),
        path("<str:code>/rate/", public.rate, name="rate"),
    ],
    "status",
)
