from django.urls import path

from outpost.accounts.views import signin, users

app_name = "accounts"
urlpatterns = [
    path("2fa/", signin.second_factor, name="second_factor"),
    path("2fa/setup/", signin.enrol, name="enrol"),
    path("users/", users.users, name="users"),
    path("users/<str:username>/", users.user_detail, name="user"),
    path("users/<str:username>/<str:action>/", users.account_action, name="account_action"),
    path("user-areas/", users.area_search, name="user_areas"),
]
