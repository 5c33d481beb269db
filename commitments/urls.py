from django.urls import path

from commitments import views

app_name = "commitments"

urlpatterns = [
    path("commitments/", views.commitment_list, name="list"),
    path("commitments/new/", views.commitment_create, name="create"),
    path("commitments/<int:pk>/", views.commitment_detail, name="detail"),
    path("commitments/<int:pk>/edit/", views.commitment_edit, name="edit"),
    path("commitments/<int:pk>/progress/", views.progress_create, name="progress"),
    path("commitments/<int:pk>/incomplete/", views.commitment_incomplete, name="incomplete"),
    path("commitments/letters/", views.letter_list, name="letters"),
    path("commitments/letters/<int:pk>/", views.letter_detail, name="letter"),
    path("commitments/letters/<int:pk>/word/", views.letter_word, name="letter_word"),
    path("commitments/export/", views.ledger_export, name="export"),
    path("commitments/locks/", views.period_locks, name="locks"),
    path("board/<slug:code>/", views.public_board, name="board"),
    path("board/<slug:code>/poster/", views.public_board_poster, name="board_poster"),
]
