from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("Reviews and evaluations")

    def ready(self) -> None:
        # Declares the evaluation statistics table and the deadlines to core.
        from reviews import archive, deadlines, exports, todos  # noqa: F401
