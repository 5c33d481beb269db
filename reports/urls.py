from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("reports/", views.report_list, name="list"),
    path("reports/new/", views.report_create, name="create"),
    path("reports/slots/", views.slot_grid_view, name="grid"),
    path("reports/mine/", views.my_slots, name="mine"),
    path("reports/circular/", views.circular, name="circular"),
    path("reports/<int:pk>/", views.report_detail, name="detail"),
    path("reports/<int:pk>/edit/", views.report_edit, name="edit"),
    path("reports/<int:pk>/submit/", views.report_send, name="submit"),
    path("reports/<int:pk>/review/", views.report_review_view, name="review"),
    path("reports/<int:pk>/print/", views.report_print, name="print"),
    path("reports/<int:pk>/word/", views.report_word, name="word"),
]
