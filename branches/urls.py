from django.urls import path

from branches import meeting_views, summary_views, views, visit_views

app_name = "branches"

urlpatterns = [
    path("units/", views.tree, name="tree"),
    path("units/new/", views.unit_create, name="unit_create"),
    path("units/search/", views.unit_search_view, name="unit_search"),
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
    path("liaison/new/", views.liaison_create, name="liaison_create"),
    path("liaison/<int:pk>/end/", views.liaison_end, name="liaison_end"),
    # Joint meetings and period summaries
    path("meetings/", meeting_views.meeting_list_view, name="meeting_list"),
    path("meetings/new/", meeting_views.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", meeting_views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/edit/", meeting_views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/minutes/", meeting_views.meeting_minutes, name="meeting_minutes"),
    path("meetings/<int:pk>/minutes.docx", meeting_views.meeting_word, name="meeting_word"),
    path("meetings/<int:pk>/decisions/", meeting_views.decision_create, name="decision_create"),
    path("decisions/<int:pk>/done/", meeting_views.decision_done, name="decision_done"),
    path("summaries/", summary_views.summary_list, name="summary_list"),
    path("summaries/new/", summary_views.summary_create, name="summary_create"),
    path("summaries/<int:pk>/", summary_views.summary_detail, name="summary_detail"),
    path("summaries/<int:pk>/edit/", summary_views.summary_edit, name="summary_edit"),
    path("summaries/<int:pk>/publish/", summary_views.summary_publish_view, name="summary_publish"),
    # End of joint meetings and period summaries
    # Liaison visits
    path("liaison/visits/", visit_views.visit_list, name="visit_list"),
    path("liaison/visits/new/<int:branch>/", visit_views.visit_create, name="visit_create"),
    path("liaison/visits/<int:pk>/", visit_views.visit_detail, name="visit_detail"),
    path("liaison/visits/<int:pk>/confirm/", visit_views.visit_confirm_view, name="visit_confirm"),
    path(
        "liaison/visits/<int:pk>/follow-ups/<int:follow_up>/done/",
        visit_views.visit_follow_up_done,
        name="visit_follow_up_done",
    ),
    path("liaison/visits/coverage/", visit_views.visit_coverage_view, name="visit_coverage"),
    path("liaison/visits/setting/", visit_views.visit_setting, name="visit_setting"),
    # End of liaison visits
]
