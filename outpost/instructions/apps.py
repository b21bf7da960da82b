from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InstructionsConfig(AppConfig):
    name = "outpost.instructions"
    label = "instructions"
    verbose_name = _("Instructions")

    def ready(self) -> None:
        from outpost.core.menu import register
        from outpost.instructions import queries
        from outpost.instructions.queries import uses_instructions
        from outpost.notifications import subjects

        subjects.register(queries.MESSAGES, queries.worded_messages)

        register(
            "instructions",
            _("Instructions"),
            "instructions:inbox",
            order=50,
            shown_to=uses_instructions,
        )
