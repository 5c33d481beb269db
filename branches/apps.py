from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BranchesConfig(AppConfig):
    name = "branches"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        # Declares the roster imports to core's ledger registry.
        from branches import deadlines, resources  # noqa: F401
