from django.urls import path

from outpost.registry import exports, jobs, views

app_name = "registry"
urlpatterns = [
    path("", views.registry_home, name="home"),
    path("people/", views.people_list, name="people"),
    path("people/break-glass/", views.break_glass, name="break_glass"),
    path("people/<str:number>/", views.person_detail, name="person"),
    path("people/<str:number>/unmask/", views.person_unmask, name="person_unmask"),
    path("people/<str:number>/edit/", views.person_edit, name="person_edit"),
    path(
        "people/<str:number>/verify/",
        views.person_decide,
        {"decision": "verify"},
        name="person_verify",
    ),
    path(
        "people/<str:number>/return/",
        views.person_decide,
        {"decision": "return"},
        name="person_return",
    ),
    path("people/<str:number>/register/", views.person_register, name="person_register"),
    path("queue/", views.verification_queue, name="queue"),
    path("addresses/<str:code>/", views.address_detail, name="address"),
    path("houses/", views.houses_list, name="houses"),
    path("organisations/", views.organisations_list, name="organisations"),
    path("export/<str:name>.xlsx", exports.export_list, name="export"),
    path("imports/", jobs.import_page, name="imports"),
    path("imports/<int:job_id>/", jobs.import_job_page, name="import_job"),
    path("imports/<int:job_id>/report.xlsx", jobs.import_report, name="import_report"),
]
