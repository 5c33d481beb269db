from django.urls import path

from reviews import ballot_views, evaluation_views, review_views

app_name = "reviews"

urlpatterns = [
    # Leader reviews: rounds, their coverage, the sheets, work reports, self-assessments, 整理公开.
    path("reviews/", review_views.round_list, name="rounds"),
    path("reviews/new/", review_views.round_create, name="round_create"),
    path("reviews/<int:pk>/", review_views.round_detail, name="round"),
    path("reviews/<int:pk>/sheets/new/", review_views.review_create, name="review_create"),
    path("reviews/<int:pk>/work-report/", review_views.work_report, name="work_report"),
    path("reviews/<int:pk>/self-assessment/", review_views.self_assessment, name="self_assessment"),
    path("reviews/<int:pk>/compile/", review_views.round_compile, name="round_compile"),
    path("reviews/<int:pk>/compile/word/", review_views.round_compile_word, name="round_compile_word"),
    path("reviews/<int:pk>/units/<int:unit_pk>/word/", review_views.branch_word, name="branch_word"),
    path("reviews/sheets/<int:pk>/", review_views.review_detail, name="review"),
    path("reviews/sheets/<int:pk>/edit/", review_views.review_edit, name="review_edit"),
    path("reviews/sheets/<int:pk>/sign/", review_views.review_sign_view, name="review_sign"),
    path("reviews/sheets/<int:pk>/word/", review_views.review_word, name="review_word"),
    # Mass evaluations: campaigns, paper tallies, one-time codes, closing and publishing.
    path("evaluations/", evaluation_views.campaign_list, name="campaigns"),
    path("evaluations/new/", evaluation_views.campaign_create, name="campaign_create"),
    path("evaluations/<int:pk>/", evaluation_views.campaign_detail, name="campaign"),
    path("evaluations/<int:pk>/units/<int:unit_pk>/tally/", evaluation_views.tally, name="tally"),
    path("evaluations/<int:pk>/codes/", evaluation_views.codes_create, name="codes_create"),
    path("evaluations/<int:pk>/codes/print/", evaluation_views.codes_print, name="codes_print"),
    path("evaluations/<int:pk>/close/", evaluation_views.campaign_close_view, name="campaign_close"),
    path("evaluations/<int:pk>/publish/", evaluation_views.campaign_publish_view, name="campaign_publish"),
    path("evaluations/<int:pk>/export/", evaluation_views.campaign_export, name="campaign_export"),
    # The public, anonymous ballot: no login, a one-time code.
    path("vote/<str:token>/", ballot_views.ballot, name="ballot"),
]
