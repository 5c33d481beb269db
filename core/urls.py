from django.urls import path

from core import reminder_views, views

app_name = "core"

urlpatterns = [
    path("imports/<slug:kind>/", views.import_start, name="import"),
    path("imports/<slug:kind>/template/", views.import_template, name="import_template"),
    path("imports/confirm/<int:pk>/", views.import_confirm, name="import_confirm"),
    path("imports/errors/<int:pk>/", views.import_errors, name="import_errors"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("archives/units/<int:pk>/", views.archive_start, name="archive"),
    path("jobs/", views.job_list, name="job_list"),
    path("jobs/<int:pk>/", views.job_detail, name="job_detail"),
    path("jobs/<int:pk>/download/", views.job_download, name="job_download"),
    path("inbox/", reminder_views.inbox, name="inbox"),
    path("inbox/<int:pk>/open/", reminder_views.inbox_open, name="inbox_open"),
    path("reminders/board/", reminder_views.board, name="board"),
    path("reminders/board/<int:pk>/remind/", reminder_views.board_remind, name="board_remind"),
    path("reminders/log/", reminder_views.notification_log, name="notification_log"),
    path("reminders/settings/", reminder_views.reminder_settings, name="reminder_settings"),
    path("reminders/webhooks/<int:pk>/delete/", reminder_views.webhook_delete_view, name="webhook_delete"),
    path("reminders/webhooks/<int:pk>/test/", reminder_views.webhook_test_view, name="webhook_test"),
]
