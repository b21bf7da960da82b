"""Instruction pages under /instructions/ (namespace "instructions")."""

from django.urls import path

from outpost.instructions.views import groups, instructions, work

app_name = "instructions"
urlpatterns = [
    path("", instructions.inbox, name="inbox"),
    path("new/", instructions.new, name="new"),
    path("<int:pk>/", instructions.detail, name="detail"),
    path("<int:pk>/recipients/<int:rid>/sign-on/", instructions.sign_on, name="sign_on"),
    path("<int:pk>/recipients/<int:rid>/feedback/", instructions.feedback, name="feedback"),
    path("<int:pk>/photos/<int:photo>/", instructions.photo, name="photo"),
    path("groups/", groups.groups_page, name="groups"),
    path("groups/<int:pk>/", groups.group_page, name="group"),
    path("groups/<int:pk>/rebuild/", groups.rebuild, name="group_rebuild"),
    path("groups/<int:pk>/notify/", groups.notify, name="group_notify"),
    path("notices/", groups.notices_page, name="notices"),
    path("notices/<int:pk>/", groups.notice_page, name="notice"),
    path("notices/<int:pk>/confirm/", groups.confirm, name="notice_confirm"),
    path("work/", work.work_items, name="work_items"),
    path("work/<int:pk>/", work.work_item, name="work_item"),
    path("work/<int:pk>/milestones/", work.milestone_add, name="milestone_add"),
    path("work/<int:pk>/milestones/<int:mid>/done/", work.milestone_done, name="milestone_done"),
]
