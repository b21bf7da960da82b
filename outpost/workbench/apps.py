from django.apps import AppConfig


class WorkbenchConfig(AppConfig):
    name = "outpost.workbench"
    label = "workbench"
