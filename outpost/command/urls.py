"""Command room pages under /command/ (namespace "command")."""

from django.urls import path

from outpost.command import views

app_name = "command"
urlpatterns = [
    path("", views.rooms, name="rooms"),
    path("<str:station>/board/", views.board_page, name="board"),
    path("<str:station>/board.json", views.board_feed, name="feed"),
    path("<str:station>/dispatch/", views.dispatch, name="dispatch"),
    path("<str:station>/duty/", views.duty_page, name="duty"),
    path("<str:station>/reporters/", views.reporters_page, name="reporters"),
]
