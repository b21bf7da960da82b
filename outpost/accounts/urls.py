from django.urls import path

from outpost.accounts import users_views, views

app_name = "accounts"
urlpatterns = [
    path("2fa/", views.second_factor, name="second_factor"),
    path("2fa/setup/", views.enrol, name="enrol"),
    path("users/", users_views.users, name="users"),
    path("users/<str:username>/", users_views.user_detail, name="user"),
]
