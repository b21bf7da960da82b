"""The request type of a view behind `login_required` (or the API's session auth): its user is a
stored account, never the anonymous user, so the view can hand it to the services as the actor."""

from django.http import HttpRequest

from outpost.accounts.models import User


class SignedInRequest(HttpRequest):
    user: User
