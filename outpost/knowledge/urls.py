"""The knowledge base pages under /knowledge/ (namespace "knowledge")."""

from django.urls import path

from outpost.knowledge import views

app_name = "knowledge"
urlpatterns = [
    path("", views.index, name="index"),
    path("a/<int:pk>/", views.article, name="article"),
    path("handbook.pdf", views.handbook, name="handbook"),
    path("desk/", views.desk, name="desk"),
    path("desk/new/", views.write, name="new"),
    path("desk/a/<int:pk>/revise/", views.revise, name="revise"),
    path("desk/v/<int:pk>/", views.version, name="version"),
    path("desk/v/<int:pk>/submit/", views.submit, name="submit"),
    path("desk/v/<int:pk>/review/", views.review, name="review"),
]
