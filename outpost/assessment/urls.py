"""The indicator pages under /assessment/ (namespace "assessment")."""

from django.urls import path

from outpost.assessment import views

app_name = "assessment"
urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:code>/", views.indicator, name="indicator"),
    path("<slug:code>/<slug:kind>/<str:unit>/", views.unit_rows, name="rows"),
]
