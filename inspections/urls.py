from django.urls import path

from inspections import circular_views, rectification_views, views

app_name = "inspections"

urlpatterns = [
    # Groups, the monthly round, inspections and their findings, rectification notices.
    path("inspections/", views.inspection_list, name="list"),
    path("inspections/new/", views.inspection_create, name="create"),
    path("inspections/coverage/", views.coverage, name="coverage"),
    path("inspections/groups/", views.group_list, name="groups"),
    path("inspections/groups/new/", views.group_create, name="group_create"),
    path("inspections/groups/<int:pk>/edit/", views.group_edit, name="group_edit"),
    path("inspections/<int:pk>/", views.inspection_detail, name="detail"),
    path("inspections/<int:pk>/edit/", views.inspection_edit, name="edit"),
    path("inspections/<int:pk>/finalise/", views.inspection_finalise_view, name="finalise"),
    path("inspections/<int:pk>/findings/new/", views.finding_create, name="finding_create"),
    path("inspections/findings/<int:pk>/edit/", views.finding_edit, name="finding_edit"),
    path("inspections/findings/<int:pk>/delete/", views.finding_delete_view, name="finding_delete"),
    path("inspections/<int:pk>/notice/", views.notice_create, name="notice_create"),
    path("inspections/notices/<int:pk>/", views.notice_detail, name="notice"),
    path("inspections/notices/<int:pk>/word/", views.notice_word, name="notice_word"),
    # The one rectification workflow and its ledger.
    path("rectifications/", rectification_views.rectification_list, name="rectifications"),
    path("rectifications/<int:pk>/", rectification_views.rectification_detail, name="rectification"),
    path(
        "rectifications/<int:pk>/reply/",
        rectification_views.rectification_reply_view,
        name="rectification_reply",
    ),
    path(
        "rectifications/<int:pk>/recheck/",
        rectification_views.rectification_recheck_view,
        name="rectification_recheck",
    ),
    # Circulars.
    path("circulars/", circular_views.circular_list, name="circulars"),
    path("circulars/new/", circular_views.circular_create, name="circular_create"),
    path("circulars/<int:pk>/", circular_views.circular_detail, name="circular"),
    path("circulars/<int:pk>/edit/", circular_views.circular_edit, name="circular_edit"),
    path("circulars/<int:pk>/submit/", circular_views.circular_submit_view, name="circular_submit"),
    path("circulars/<int:pk>/decide/", circular_views.circular_decide_view, name="circular_decide"),
    path("circulars/<int:pk>/issue/", circular_views.circular_issue_view, name="circular_issue"),
    path("circulars/<int:pk>/read/", circular_views.circular_acknowledge_view, name="circular_acknowledge"),
    path("circulars/<int:pk>/word/", circular_views.circular_word, name="circular_word"),
]
