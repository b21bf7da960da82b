"""The indicator and 警网双考 pages under /assessment/ (namespace "assessment"). The scheme pages
come first: their words (schemes, periods …) are no indicator's code."""

from django.urls import path

from outpost.assessment.views import indicators as views
from outpost.assessment.views import schemes

app_name = "assessment"
urlpatterns = [
    path("schemes/", schemes.scheme_list, name="schemes"),
    path("schemes/<int:pk>/", schemes.scheme_detail, name="scheme"),
    path("schemes/<int:pk>/compute/", schemes.compute, name="compute"),
    path("periods/<int:pk>/", schemes.period_detail, name="period"),
    path("periods/<int:pk>/approve/", schemes.approve, name="approve"),
    path("periods/<int:pk>/export/", schemes.period_export, name="export"),
    path("results/<int:pk>/", schemes.result_detail, name="result"),
    path("scores/<int:pk>/appeal/", schemes.appeal_form, name="appeal_form"),
    path("appeals/<int:pk>/", schemes.appeal_detail, name="appeal"),
    path("appeals/<int:pk>/file/", schemes.appeal_file, name="appeal_file"),
    path("appeals/<int:pk>/decide/", schemes.decide, name="decide"),
    path("", views.index, name="index"),
    path("<slug:code>/", views.indicator, name="indicator"),
    path("<slug:code>/<slug:kind>/<str:unit>/", views.unit_rows, name="rows"),
]
