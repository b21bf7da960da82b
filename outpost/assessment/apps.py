from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "outpost.assessment"
    label = "assessment"
    verbose_name = _("Assessment")

    def ready(self) -> None:
        from outpost.assessment.queries import may_assess
        from outpost.core.menu import register

        register("assessment", _("Indicators"), "assessment:index", order=70, shown_to=may_assess)
