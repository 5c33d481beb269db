from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitmentsConfig(AppConfig):
    name = "commitments"
    verbose_name = _("Public commitments")

    def ready(self) -> None:
        # Declares the ledger import and the export job to core's registries.
        from commitments import archive, deadlines, ledger, resources  # noqa: F401
