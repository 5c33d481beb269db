from django.urls import path

from branches import views

app_name = "branches"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("units/", views.tree, name="tree"),
    path("units/new/", views.unit_create, name="unit_create"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("units/<int:pk>/responsibilities/", views.unit_responsibilities_edit, name="unit_responsibilities"),
    path("units/<int:pk>/leading-group/", views.unit_leading_group, name="unit_leading_group"),
    path("units/<int:pk>/history/", views.unit_history, name="unit_history"),
    path("members/", views.member_list, name="member_list"),
    path("members/new/", views.member_create, name="member_create"),
    path("members/<int:pk>/", views.member_detail, name="member_detail"),
    path("members/<int:pk>/edit/", views.member_edit, name="member_edit"),
    path("members/<int:pk>/history/", views.member_history, name="member_history"),
    path("liaison/", views.liaison_list, name="liaison_list"),
    path("liaison/<int:pk>/end/", views.liaison_end, name="liaison_end"),
]
