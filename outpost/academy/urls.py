"""网格学院's pages under /academy/ (namespace "academy")."""

from django.urls import path

from outpost.academy import desk, views

app_name = "academy"
urlpatterns = [
    path("", views.index, name="index"),
    path("c/<int:pk>/", views.course, name="course"),
    path("c/<int:pk>/l/<int:lesson_pk>/", views.lesson, name="lesson"),
    path("c/<int:pk>/quiz/", views.quiz, name="quiz"),
    path("team/", views.team, name="team"),
    path("team/<int:pk>/", views.member, name="member"),
    path("desk/", desk.desk, name="desk"),
    path("desk/new/", desk.new, name="new"),
    path("desk/c/<int:pk>/", desk.edit, name="edit"),
    path("desk/c/<int:pk>/article/", desk.add_article, name="add_article"),
    path("desk/c/<int:pk>/case/", desk.add_case, name="add_case"),
    path("desk/c/<int:pk>/question/", desk.add_question, name="add_question"),
    path("desk/c/<int:pk>/<str:what>/<int:item>/remove/", desk.remove, name="remove"),
]
