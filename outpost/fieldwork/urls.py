"""Field-work pages under /fieldwork/ (namespace "fieldwork")."""

from django.urls import path

from outpost.fieldwork import offline, plan_views, views

app_name = "fieldwork"
urlpatterns = [
    path("", views.patrols, name="patrols"),
    path("app/", offline.app, name="app"),
    path("sw.js", offline.service_worker, name="service_worker"),
    path("manifest.webmanifest", offline.manifest, name="manifest"),
    path("patrols/start/", views.start, name="start"),
    path("patrols/<int:pk>/", views.patrol, name="patrol"),
    path("patrols/<int:pk>/check-in/", views.check_in, name="check_in"),
    path("patrols/<int:pk>/end/", views.end, name="end"),
    path("patrols/<int:pk>/photos/<int:photo>/", views.photo, name="photo"),
    path("plans/", views.plans, name="plans"),
    path("plans/new/", plan_views.new_plan, name="new_plan"),
    path("plans/<int:pk>/edit/", plan_views.edit_plan, name="edit_plan"),
    path("plans/<int:pk>/deactivate/", plan_views.deactivate_plan, name="deactivate_plan"),
    path("coverage/", views.coverage, name="coverage"),
    path("visits/", views.visits, name="visits"),
    path("visits/<str:kind>/<str:key>/", views.visit, name="visit"),
    path("inspections/", views.inspections, name="inspections"),
    path("inspections/new/<str:kind>/<str:key>/", views.new_inspection, name="new_inspection"),
    path("inspections/<int:pk>/", views.inspection, name="inspection"),
    path(
        "inspections/<int:pk>/sign/<str:department>/",
        views.sign_inspection,
        name="sign_inspection",
    ),
    path("hazards/<int:pk>/recheck/", views.recheck, name="recheck"),
]
