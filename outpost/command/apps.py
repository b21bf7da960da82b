from django.apps import AppConfig


class CommandConfig(AppConfig):
    name = "outpost.command"
    label = "command"
    verbose_name = "Command room"

    def ready(self) -> None:
        # Cases sent up to a room reach whoever is on its roster now.
        from outpost.cases.supervision import ROOM_DUTY
        from outpost.command.queries import duty_user_ids

        if duty_user_ids not in ROOM_DUTY:
            ROOM_DUTY.append(duty_user_ids)
