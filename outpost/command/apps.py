from django.apps import AppConfig


class CommandConfig(AppConfig):
    name = "outpost.command"
    label = "command"
    verbose_name = "Command room"
