from django.urls import path

from outpost.accounts import auditing

app_name = "audit"
urlpatterns = [
    path("", auditing.access_log, name="log"),
    path("access-log.xlsx", auditing.access_log_export, name="export"),
    path("break-glass/", auditing.break_glass_list, name="break_glass"),
    path("break-glass/<int:grant_id>/review/", auditing.break_glass_review, name="review"),
]
