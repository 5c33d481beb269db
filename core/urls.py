from django.urls import path

from core import views

app_name = "core"

urlpatterns = [
    path("imports/<slug:kind>/", views.import_start, name="import"),
    path("imports/<slug:kind>/template/", views.import_template, name="import_template"),
    path("imports/confirm/<int:pk>/", views.import_confirm, name="import_confirm"),
    path("imports/errors/<int:pk>/", views.import_errors, name="import_errors"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("jobs/", views.job_list, name="job_list"),
    path("jobs/<int:pk>/", views.job_detail, name="job_detail"),
    path("jobs/<int:pk>/download/", views.job_download, name="job_download"),
]
