from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BranchesConfig(AppConfig):
    name = "branches"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        # Declares the roster imports to core's ledger registry (and the unit page's section of
        # open meeting decisions, meeting_views).
        from branches import archive, deadlines, meeting_views, resources, todos  # noqa: F401
