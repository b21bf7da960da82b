"""The residents' portal (/portal/): public pages, no sign-in, except each staff member's own
public card."""

from django.urls import path

from outpost.portal.views import people, report, track

app_name = "portal"
urlpatterns = [
    path("", report.home, name="home"),
    path("report/", report.report, name="report"),
    path("report/details/", report.details, name="details"),
    path("report/follow/", report.follow, name="follow"),
    path("phone/", report.phone, name="phone"),
    path("track/", track.lookup, name="lookup"),
    path("track/<str:token>/", track.track, name="track"),
    path("track/<str:token>/rate/", track.rate, name="rate"),
    path("people/", people.people, name="people"),
    path("my-card/", people.my_card, name="my_card"),
]
