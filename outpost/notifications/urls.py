"""The inbox under /inbox/ (namespace "notifications")."""

from django.urls import path

from outpost.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("read-all/", views.read_all, name="read_all"),
    path("<int:pk>/", views.open_message, name="open"),
]
