from django.urls import path

from outpost.accounts.views import audit

app_name = "audit"
urlpatterns = [
    path("", audit.access_log, name="log"),
    path("access-log.xlsx", audit.access_log_export, name="export"),
    path("break-glass/", audit.break_glass_list, name="break_glass"),
    path("break-glass/<int:grant_id>/review/", audit.break_glass_review, name="review"),
]
