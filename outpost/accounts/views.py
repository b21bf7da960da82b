"""Sign-in pages and the home page that shows a user their roles and areas."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@login_required
def home(request: HttpRequest) -> HttpResponse:
    assignments = request.user.assignments.order_by("role", "scope_code")
    return render(request, "accounts/home.html", {"assignments": assignments})
