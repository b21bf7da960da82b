from django.urls import path

from outpost.calls import views

app_name = "calls"
urlpatterns = [
    path("", views.desk, name="desk"),
    path("<str:call_id>/", views.detail, name="detail"),
    path("<str:call_id>/correct/", views.correct, name="correct"),
    path("<str:call_id>/confirm/", views.confirm, name="confirm"),
]
