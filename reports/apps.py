from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Information reports")

    def ready(self) -> None:
        # Declares the submission statistics export to core's registries.
        from reports import archive, deadlines, exports, todos  # noqa: F401
