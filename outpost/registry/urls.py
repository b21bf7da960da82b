from django.urls import path

from outpost.registry.views import exports, fields, imports, records

app_name = "registry"
urlpatterns = [
    path("", records.registry_home, name="home"),
    path("people/", records.people_list, name="people"),
    path("people/break-glass/", records.break_glass, name="break_glass"),
    path("people/new/", fields.add_person, name="person_new"),
    path("houses/new/", fields.add_house, name="house_new"),
    path("organisations/new/", fields.add_organisation, name="organisation_new"),
    path("returned/", fields.returned_list, name="returned"),
    path("people/<str:number>/deregister/", fields.deregister, name="person_deregister"),
    path(
        "queue/<str:kind>/<str:key>/verify/",
        fields.record_decide,
        {"decision": "verify"},
        name="record_verify",
    ),
    path(
        "queue/<str:kind>/<str:key>/return/",
        fields.record_decide,
        {"decision": "return"},
        name="record_return",
    ),
    path("people/<str:number>/", records.person_detail, name="person"),
    path("people/<str:number>/unmask/", records.person_unmask, name="person_unmask"),
    path("people/<str:number>/edit/", records.person_edit, name="person_edit"),
    path(
        "people/<str:number>/verify/",
        records.person_decide,
        {"decision": "verify"},
        name="person_verify",
    ),
    path(
        "people/<str:number>/return/",
        records.person_decide,
        {"decision": "return"},
        name="person_return",
    ),
    path("people/<str:number>/register/", records.person_register, name="person_register"),
    path("queue/", records.verification_queue, name="queue"),
    path("addresses/<str:code>/", records.address_detail, name="address"),
    path("houses/", records.houses_list, name="houses"),
    path("organisations/", records.organisations_list, name="organisations"),
    path("export/<str:name>.xlsx", exports.export_list, name="export"),
    path("imports/", imports.import_page, name="imports"),
    path("imports/<int:job_id>/", imports.import_job_page, name="import_job"),
    path("imports/<int:job_id>/report.xlsx", imports.import_report, name="import_report"),
]
