from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from core.views import healthz

admin.site.site_header = admin.site.site_title = _("Strive for Excellence administration")

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("", include("core.urls")),
    path("", include("dashboards.urls")),
    path("", include("branches.urls")),
    path("", include("commitments.urls")),
    path("", include("reports.urls")),
    path("", include("inspections.urls")),
    path("", include("reviews.urls")),
]
