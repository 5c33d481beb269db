from django.urls import path

from dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("", views.home, name="home"),
    path("overview/", views.overview_page, name="overview"),
    path("overview/export/", views.overview_export, name="overview_export"),
    path("units/<int:pk>/scorecard/", views.scorecard_page, name="scorecard"),
]
