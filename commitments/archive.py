"""What the commitments app adds to a branch's 回档: its letters and its ledger, with the
evidence files of its progress entries."""

from __future__ import annotations

from commitments.ledger import ledger_queryset, ledger_title, write_ledger
from commitments.letters import letter_docx
from commitments.models import Commitment, CommitmentLetter, Progress
from core.archive import period_codes, register_part
from core.models import Attachment
from core.periods import Period

SECTION = "01承诺践诺"


def write_part(user, branch, period: Period, writer) -> None:
    codes = period_codes(period)
    letters = (
        CommitmentLetter.objects.visible_to(user)
        .filter(unit=branch, period__in=codes)
        .select_related("unit", "member")
        .order_by("period", "member__name", "pk")
    )
    for letter in letters:
        commitments = (
            Commitment.objects.visible_to(user).filter(letter=letter).order_by("category", "deadline")
        )
        writer.add_bytes(
            writer.folder(SECTION, "公开承诺书"),
            f"{letter.owner_name}公开承诺书（{letter.period_obj.wording}）.docx",
            letter_docx(letter, commitments),
            note=letter.owner_name,
        )
    for code in codes:
        ledger_period = Period.parse(code)
        if ledger_queryset(user, branch, ledger_period).filter(letter__unit=branch).exists():
            writer.add_bytes(
                writer.folder(SECTION),
                f"{ledger_title(branch.name, ledger_period)}.xlsx",
                write_ledger(user, branch, ledger_period),
                note="附件三",
            )
    entries = Progress.objects.visible_to(user).filter(
        commitment__letter__unit=branch, commitment__letter__period__in=codes
    )
    for attachment in Attachment.objects.for_objects(entries).order_by("pk"):
        writer.add_attachment(writer.folder(SECTION, "践诺佐证"), attachment, note="践诺记录附件")


register_part("commitments", 10, write_part)
