from django.urls import path

from reviews import ballot_views, creation_views, evaluation_views, nomination_views, review_views

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
    # Creation rounds (seed 001): dates, filings, the four-step assessment, summary, approval.
    path("creation/", creation_views.round_list, name="creation_rounds"),
    path("creation/new/", creation_views.round_create, name="creation_round_create"),
    path("creation/<int:pk>/", creation_views.round_detail, name="creation_round"),
    path("creation/<int:pk>/edit/", creation_views.round_edit, name="creation_round_edit"),
    path("creation/<int:pk>/start/", creation_views.assessment_start_view, name="creation_assessment_start"),
    path("creation/<int:pk>/ranking/", creation_views.ranking, name="creation_ranking"),
    path("creation/<int:pk>/summary/", creation_views.summary, name="creation_summary"),
    path("creation/<int:pk>/submit/", creation_views.submit_view, name="creation_submit"),
    path("creation/<int:pk>/decide/", creation_views.decide_view, name="creation_decide"),
    path("creation/<int:pk>/export/", creation_views.export, name="creation_export"),
    path("creation/<int:pk>/word/", creation_views.word, name="creation_word"),
    path("creation/branches/<int:pk>/", creation_views.branch_detail, name="creation_branch"),
    path("creation/branches/<int:pk>/filings/<str:kind>/", creation_views.filing, name="creation_filing"),
    path(
        "creation/branches/<int:pk>/self-check/",
        creation_views.self_assessment,
        name="creation_self_assessment",
    ),
    path("creation/branches/<int:pk>/assess/", creation_views.assess, name="creation_assess"),
    path("creation/branches/<int:pk>/conclusion/", creation_views.conclusion, name="creation_conclusion"),
    # (creation-rounds block: end)
    # Nominations for 优秀共产党员 and the titles after conferral (限期整改, revocation).
    path("creation/<int:pk>/nominations/", nomination_views.nominations, name="nominations"),
    path("creation/<int:pk>/nominations/new/", nomination_views.nomination_create, name="nomination_create"),
    path(
        "creation/<int:pk>/nominations/commendations/",
        nomination_views.commendations,
        name="commendations",
    ),
    path(
        "creation/<int:pk>/nominations/commendations/word/",
        nomination_views.commendations_word,
        name="commendations_word",
    ),
    path("nominations/<int:pk>/", nomination_views.nomination_detail, name="nomination"),
    path("nominations/<int:pk>/edit/", nomination_views.nomination_edit, name="nomination_edit"),
    path("nominations/<int:pk>/decide/", nomination_views.nomination_decide_view, name="nomination_decide"),
    path("titles/", nomination_views.title_list, name="titles"),
    path("titles/<int:pk>/", nomination_views.title_detail, name="title"),
    path("titles/<int:pk>/rectify/", nomination_views.title_rectify_view, name="title_rectify"),
    path("titles/<int:pk>/revoke/", nomination_views.title_revoke_view, name="title_revoke"),
    path("titles/<int:pk>/notice/", nomination_views.title_notice, name="title_notice"),
    # (nominations-titles block: end)
    # The public, anonymous ballot: no login, a one-time code.
    path("vote/<str:token>/", ballot_views.ballot, name="ballot"),
]
