from django.urls import path

from outpost.areas import views

app_name = "geo"
urlpatterns = [
    path("", views.area_index, name="index"),
    path("map/", views.area_map, name="map"),
    path("divisions/<str:code>/", views.division_detail, name="division"),
    path("grids/<str:code>/", views.grid_detail, name="grid"),
    path("stations/<str:code>/", views.station_detail, name="station"),
    path("beats/<str:code>/", views.beat_detail, name="beat"),
]
