"""The first draft of a monthly 督查通报, written from the month's finalised inspections.

The group edits the text before submitting it, so the draft is plain text: one heading per
part, the five kinds of content of seed 000 §七.2 in their order, then the practices to
promote and the rectifications opened and closed in the month. The wording is the
document's own (Chinese whatever the page's language), like the other official documents.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from accounts.models import Level, OrgUnit
from inspections.documents import chinese_number
from inspections.models import (
    FindingCategory,
    Inspection,
    InspectionKind,
    Rectification,
    RectificationStatus,
    short_name,
)

# Seed 000 §七.2, in its order.
CATEGORY_HEADINGS = {
    FindingCategory.ARRANGEMENT: "工作安排和落实情况",
    FindingCategory.PROGRESS: "进展情况和阶段性成果",
    FindingCategory.EXPERIENCE: "成功经验和工作方法",
    FindingCategory.PROBLEM: "困难、矛盾和问题",
    FindingCategory.NEGATIVE: "消极敷衍或严重失误的反面事例",
}
NONE_THIS_MONTH = "本月无。"


def month_bounds(month: datetime.date) -> tuple[datetime.date, datetime.date]:
    first = month.replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return first, following - datetime.timedelta(days=1)


def circular_title(township: OrgUnit, month: datetime.date) -> str:
    return f"{short_name(township)}{month.year}年{month.month}月创先争优督查通报"


def _lines(items: list[str]) -> list[str]:
    if not items:
        return [NONE_THIS_MONTH]
    return [f"{number}．{item}" for number, item in enumerate(items, start=1)]


def circular_draft(township: OrgUnit, month: datetime.date) -> tuple[str, str]:
    """(title, body) of the circular of `township` for `month`: five queries whatever the size."""
    first, last = month_bounds(month)
    branches = list(
        OrgUnit.objects.filter(path__under=township.path, level=Level.BRANCH)
        .order_by("path")
        .only("pk", "name", "path")
    )
    inspections = list(
        Inspection.objects.finalised()
        .filter(unit__path__under=township.path, date__range=(first, last))
        .select_related("unit")
        .prefetch_related("findings")
        .order_by("date", "unit__path", "pk")
    )
    opened = list(
        Rectification.objects.filter(unit__path__under=township.path, issued_on__range=(first, last))
        .select_related("unit", "member")
        .order_by("issued_on", "pk")
    )
    closed = list(
        Rectification.objects.filter(
            unit__path__under=township.path,
            status=RectificationStatus.PASSED,
            checked_on__range=(first, last),
        )
        .select_related("unit", "member")
        .order_by("checked_on", "pk")
    )

    inspected_ids = {inspection.unit_id for inspection in inspections}
    inspected = [unit.name for unit in branches if unit.pk in inspected_ids]
    not_inspected = [unit.name for unit in branches if unit.pk not in inspected_ids]
    regular = sum(1 for inspection in inspections if inspection.kind == InspectionKind.REGULAR)
    by_category: dict[str, list[str]] = defaultdict(list)
    promoted: list[str] = []
    for inspection in inspections:
        for finding in inspection.findings.all():
            line = f"{inspection.unit.name}：{finding.text.strip()}"
            by_category[finding.category].append(line)
            if finding.promote:
                promoted.append(line)

    name = short_name(township)
    period = f"{month.year}年{month.month}月"
    parts: list[tuple[str, list[str]]] = []
    basics = [
        f"{period}，{name}创先争优活动督查组采取听汇报、深入调研等形式，对全镇{len(branches)}个党支部中的"
        f"{len(inspected)}个进行了督查（定期检查{regular}次，不定期抽查{len(inspections) - regular}次）。",
        f"已督查的党支部：{'、'.join(inspected) or '无'}。",
        f"未督查的党支部：{'、'.join(not_inspected) or '无'}。",
    ]
    parts.append(("基本情况", basics))
    for category, heading in CATEGORY_HEADINGS.items():
        parts.append((heading, _lines(by_category.get(category, []))))
    parts.append(("值得推广的经验做法", _lines(promoted)))
    rectifications = [
        f"本月下达整改{len(opened)}项，复验通过{len(closed)}项。",
        "（一）本月下达的整改",
        *_lines(
            [
                f"{r.subject}：{r.problem.strip()}（整改时限{r.deadline.month}月{r.deadline.day}日）"
                for r in opened
            ]
        ),
        "（二）本月复验通过的整改",
        *_lines([f"{r.subject}：{r.problem.strip()}" for r in closed]),
    ]
    parts.append(("整改情况", rectifications))

    body = []
    for number, (heading, lines) in enumerate(parts):
        body.append(f"{chinese_number(number + 1)}、{heading}")
        body.extend(lines)
        body.append("")
    return circular_title(township, month), "\n".join(body).strip() + "\n"
