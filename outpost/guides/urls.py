"""The service guide pages under /guides/ (namespace "guides")."""

from django.urls import path

from outpost.guides import views

app_name = "guides"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("m/<slug:code>/", views.matter, name="matter"),
    path("m/<slug:code>/help/", views.ask, name="ask"),
    path("m/<slug:code>/edit/", views.matter_edit, name="matter_edit"),
    path("new/", views.matter_edit, name="matter_new"),
    path("track/<str:code>/", views.track, name="track"),
    path("requests/", views.request_list, name="requests"),
    path("requests/new/", views.request_new, name="request_new"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path("requests/<int:pk>/phone/", views.request_phone, name="request_phone"),
]
