"""What the reviews app adds to a branch's 回档: the signed review sheets of the period's
rounds (the branch's, its secretary's, its members') and its mass-evaluation results (附件六)."""

from __future__ import annotations

from core.archive import period_codes, register_part
from core.periods import Period
from reviews.documents import branch_docx
from reviews.exports import statistics_filename, statistics_queryset, write_statistics
from reviews.models import ReviewRound
from reviews.review_selectors import signed_sheets

SECTION = "04点评评议"


def write_part(user, branch, period: Period, writer) -> None:
    codes = period_codes(period)
    rounds = (
        ReviewRound.objects.visible_to(user)
        .filter(period__in=codes, township__path__in=branch.ancestor_paths())
        .select_related("township")
        .order_by("period")
    )
    for review_round in rounds:
        if reviews := signed_sheets(user, review_round, branch):
            name = f"{branch.name}点评登记表（{review_round.period_obj.wording}）.docx"
            writer.add_bytes(
                writer.folder(SECTION), name, branch_docx(review_round, branch, reviews), note="附件四、五"
            )
    for code in codes:
        evaluated = Period.parse(code)
        if statistics_queryset(user, branch, evaluated).exists():
            writer.add_bytes(
                writer.folder(SECTION),
                statistics_filename(branch, evaluated),
                write_statistics(user, branch, evaluated),
                note="附件六",
            )


register_part("reviews", 40, write_part)
