from django.urls import path

from outpost.registry import exports, field_views, jobs, views

app_name = "registry"
urlpatterns = [
    path("", views.registry_home, name="home"),
    path("people/", views.people_list, name="people"),
    path("people/break-glass/", views.break_glass, name="break_glass"),
    path("people/new/", field_views.add_person, name="person_new"),
    path("houses/new/", field_views.add_house, name="house_new"),
    path("organisations/new/", field_views.add_organisation, name="organisation_new"),
    path("returned/", field_views.returned_list, name="returned"),
    path("people/<str:number>/deregister/", field_views.deregister, name="person_deregister"),
    path(
        "queue/<str:kind>/<str:key>/verify/",
        field_views.record_decide,
        {"decision": "verify"},
        name="record_verify",
    ),
    path(
        "queue/<str:kind>/<str:key>/return/",
        field_views.record_decide,
        {"decision": "return"},
        name="record_return",
    ),
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
