from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = _("Inspections and rectifications")

    def ready(self) -> None:
        # Declares the rectification ledger and the deadlines to core's registries.
        from inspections import deadlines, exports  # noqa: F401
