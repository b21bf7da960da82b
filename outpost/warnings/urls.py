"""The warning pages under /warnings/ (namespace "warnings")."""

from django.urls import path

from outpost.warnings import views

app_name = "warnings"
urlpatterns = [
    path("", views.warning_list, name="list"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/sign-off/", views.sign_off, name="sign_off"),
    path("<int:pk>/close/", views.close, name="close"),
    path("reminder/<slug:kind>/<str:code>/", views.reminder, name="reminder"),
]
