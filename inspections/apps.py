from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = _("Inspections and rectifications")

    def ready(self) -> None:
        # Declares the rectification ledger, the deadlines and the unit page section to core.
        from inspections import archive, deadlines, exports, panels, todos  # noqa: F401
