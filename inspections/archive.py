"""What the inspections app adds to a branch's 回档: the period's inspections (record and
files), their rectification notices (.docx), each rectification with its replies, re-checks
and evidence, and the branch's 整改台账."""

from __future__ import annotations

from core.archive import register_part
from core.dates import long_date, short_date
from core.models import Attachment
from core.periods import Period
from inspections.documents import notice_docx
from inspections.exports import ledger_queryset, ledger_title, write_ledger
from inspections.models import Finding, Inspection, Rectification, RectificationNotice, RectificationReply

SECTION = "03督查整改"


def _inspection_text(inspection: Inspection, findings) -> str:
    lines = [
        f"督查日期：{long_date(inspection.date)}",
        f"督查组：{inspection.group.name}",
        f"督查方式：{'、'.join(inspection.method_labels)}",
        f"督查情况：{inspection.summary}",
        "发现问题：",
    ]
    lines += [f"{n}．【{f.get_category_display()}】{f.text}" for n, f in enumerate(findings, start=1)]
    return "\r\n".join(lines) + "\r\n"


def _rectification_text(rectification: Rectification) -> str:
    lines = [
        f"整改对象：{rectification.subject}",
        f"来源：{rectification.get_source_display()}",
        f"存在问题：{rectification.problem}",
        f"整改要求：{rectification.demand}",
        f"整改时限：{long_date(rectification.deadline)}",
        f"状态：{rectification.get_status_display()}",
    ]
    checks = {check.reply_id: check for check in rectification.checks.all()}
    for reply in rectification.replies.order_by("version"):
        lines += [
            f"第{reply.version}次回复（{short_date(reply.replied_at.date())}）",
            f"整改措施：{reply.measures}",
            f"整改结果：{reply.result}",
        ]
        if check := checks.get(reply.pk):
            verdict = "复验通过" if check.passed else "退回重改"
            lines.append(f"复验结论：{verdict}{'：' + check.comment if check.comment else ''}")
    return "\r\n".join(lines) + "\r\n"


def write_part(user, branch, period: Period, writer) -> None:
    inspections = (
        Inspection.objects.visible_to(user)
        .filter(unit=branch, date__gte=period.start, date__lte=period.end)
        .select_related("group")
        .order_by("date", "pk")
    )
    for inspection in inspections:
        folder = writer.folder(SECTION, f"{short_date(inspection.date)} 督查")
        findings = list(Finding.objects.visible_to(user).filter(inspection=inspection).order_by("pk"))
        writer.add_bytes(folder, "督查记录.txt", _inspection_text(inspection, findings).encode("utf-8-sig"))
        for attachment in Attachment.objects.for_objects([inspection]).order_by("pk"):
            writer.add_attachment(folder, attachment, note="督查附件")
        for attachment in Attachment.objects.for_objects(findings).order_by("pk"):
            writer.add_attachment(folder, attachment, note="问题佐证")
    notices = (
        RectificationNotice.objects.visible_to(user)
        .filter(unit=branch, issued_on__gte=period.start, issued_on__lte=period.end)
        .select_related("inspection__group", "township", "unit")
        .order_by("issued_on", "pk")
    )
    for notice in notices:
        writer.add_bytes(writer.folder(SECTION, "整改通知书"), f"{notice.label}.docx", notice_docx(notice))
    rectifications = (
        ledger_queryset(user, branch, period).filter(unit=branch).select_related("unit", "member")
    )
    for rectification in rectifications.order_by("issued_on", "pk"):
        folder = writer.folder(
            SECTION, f"{short_date(rectification.issued_on)} 整改 {rectification.problem[:30]}"
        )
        writer.add_bytes(folder, "整改情况.txt", _rectification_text(rectification).encode("utf-8-sig"))
        replies = RectificationReply.objects.filter(rectification=rectification)
        for attachment in Attachment.objects.for_objects(replies).order_by("pk"):
            writer.add_attachment(folder, attachment, note="整改佐证")
    if rectifications.exists():
        writer.add_bytes(
            writer.folder(SECTION), f"{ledger_title(branch, period)}.xlsx", write_ledger(user, branch, period)
        )


register_part("inspections", 30, write_part)
