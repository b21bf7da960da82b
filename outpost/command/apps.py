from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommandConfig(AppConfig):
    name = "outpost.command"
    label = "command"
    verbose_name = "Command room"

    def ready(self) -> None:
        # Cases sent up to a room reach whoever is on its roster now.
        from outpost.cases.supervision import ROOM_DUTY
        from outpost.command.queries import duty_user_ids, runs_a_room
        from outpost.core.menu import register

        if duty_user_ids not in ROOM_DUTY:
            ROOM_DUTY.append(duty_user_ids)
        register("command", _("Command room"), "command:rooms", order=60, shown_to=runs_a_room)
