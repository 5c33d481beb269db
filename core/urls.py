from django.urls import path

from core import views

app_name = "core"

urlpatterns = [
    path("imports/<slug:kind>/", views.import_start, name="import"),
    path("imports/<slug:kind>/template/", views.import_template, name="import_template"),
    path("imports/confirm/<int:pk>/", views.import_confirm, name="import_confirm"),
]
