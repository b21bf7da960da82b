"""The outpost stations' pages under /stations/ (namespace "stations")."""

from django.urls import path

from outpost.stations import views

app_name = "stations"
urlpatterns = [
    path("", views.station_list, name="list"),
    path("<int:pk>/", views.today, name="today"),
    path("<int:pk>/window/", views.window, name="window"),
    path("<int:pk>/staff/", views.staff, name="staff"),
    path("<int:pk>/hours/", views.hours, name="hours"),
    path("<int:pk>/rota/", views.rota, name="rota"),
]
