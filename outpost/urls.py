from django.contrib.auth import views as auth_views
from django.urls import include, path

from outpost.accounts.views.signin import SignInView
from outpost.api import api
from outpost.cases.urls import public_urlpatterns
from outpost.workbench.views import home

handler500 = "outpost.core.errors.server_error"  # 503 while the database is unreachable

urlpatterns = [
    path("", home, name="home"),
    path("accounts/login/", SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("outpost.accounts.urls")),
    path("audit/", include("outpost.accounts.audit_urls")),
    path("areas/", include("outpost.areas.urls")),
    path("registry/", include("outpost.registry.urls")),
    path("cases/", include("outpost.cases.urls")),
    path("inbox/", include("outpost.notifications.urls")),
    path("instructions/", include("outpost.instructions.urls")),
    path("calls/", include("outpost.calls.urls")),
    path("command/", include("outpost.command.urls")),
    path("fieldwork/", include("outpost.fieldwork.urls")),
    path("stations/", include("outpost.stations.urls")),
    path("guides/", include("outpost.guides.urls")),
    path("knowledge/", include("outpost.knowledge.urls")),
    path("academy/", include("outpost.academy.urls")),
    path("assessment/", include("outpost.assessment.urls")),
    path("dashboard/", include("outpost.dashboard.urls")),
    path("warnings/", include("outpost.warnings.urls")),
    path("status/", include(public_urlpatterns)),
    path("open311/", include("outpost.open311.urls")),
    path("portal/", include("outpost.portal.urls")),
    path("ogc/", include("outpost.ogc.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
]
