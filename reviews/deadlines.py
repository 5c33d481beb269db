"""What the reviews app declares to the reminder engine.

- A review round's missing sheets, due on the round's end date: per branch, the liaison
  leaders' review of the branch and of its secretary (owed by those leaders), and the
  secretary's reviews of its members (owed by the secretary), until every one is signed.
- Each branch's 群众评议 of a half-year, filed with the office by the period's filing day
  (mid-July, mid-January: seed 002 附件六) as a closed campaign covering the branch.
- An open campaign's close date, for each branch in it whose ballots are not in yet.
- A creation round's dates: each branch's plan, progress reports and materials not filed yet,
  and its self-assessment (by the materials' date) while the round files.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import Level, OrgUnit
from branches.models import LiaisonPoint, Member
from core.dates import short_date
from core.periods import Period
from core.reminders import Deadline, register_source
from reviews.models import (
    FILING_DUE,
    FILING_STATUSES,
    CampaignBranch,
    CampaignStatus,
    CreationBranch,
    CreationStatus,
    EvaluationSubject,
    FilingKind,
    Review,
    ReviewKind,
    ReviewRound,
    ReviewStatus,
)

# Missing reviews and evaluations are chased this long after they were due; older ones are
# the office's to settle, not a reminder's.
CHASED = datetime.timedelta(days=90)


def _branches(units, under: str):
    branches = OrgUnit.objects.order_by().filter(level=Level.BRANCH, path__under=under)
    return branches.filter(pk__in=units) if units is not None else branches


def missing_review_deadlines(today: datetime.date, units, until: datetime.date):
    rounds = ReviewRound.objects.order_by().filter(ends_on__gte=today - CHASED, ends_on__lte=until)
    if units is not None:
        # Only the rounds of townships above the units asked about (a secretary's home), not a
        # query for each round of the county.
        above = OrgUnit.objects.filter(pk__in=units, path__startswith=OuterRef("township__path"))
        rounds = rounds.filter(Exists(above))
    for round_ in rounds.select_related("township"):
        branches = dict(_branches(units, round_.township.path).values_list("pk", "path"))
        if not branches:
            continue
        signed = Review.objects.order_by().filter(round=round_, status=ReviewStatus.SIGNED)
        leader_done = defaultdict(set)
        for unit_id, kind in (
            signed.filter(unit__in=branches).exclude(kind=ReviewKind.MEMBER).values_list("unit_id", "kind")
        ):
            leader_done[unit_id].add(kind)
        leaders = defaultdict(list)
        for branch_id, leader_id in (
            LiaisonPoint.objects.active()
            .order_by()
            .filter(branch__in=branches)
            .values_list("branch_id", "leader_id")
        ):
            leaders[branch_id].append(leader_id)
        members = _count_under(Member.objects.order_by(), branches)
        reviewed = _count_under(signed.filter(kind=ReviewKind.MEMBER), branches)
        link = reverse("reviews:round", args=[round_.pk])
        due = short_date(round_.ends_on)
        for unit_id in branches:
            if leader_done[unit_id] != {ReviewKind.BRANCH, ReviewKind.SECRETARY}:
                yield Deadline(
                    key=f"review-leader:{round_.pk}:{unit_id}",
                    kind="领导点评",
                    title=f"{round_.period_obj.wording}联系领导点评党组织及书记，截止 {due}",
                    due=round_.ends_on,
                    unit_id=unit_id,
                    link=link,
                    owners=tuple(leaders[unit_id]),
                )
            owed = members[unit_id] - reviewed[unit_id]
            if owed > 0:
                yield Deadline(
                    key=f"review-members:{round_.pk}:{unit_id}",
                    kind="书记点评党员",
                    title=f"{round_.period_obj.wording}书记点评党员，尚有 {owed} 名未完成，截止 {due}",
                    due=round_.ends_on,
                    unit_id=unit_id,
                    link=link,
                )


def _count_under(rows, branches: dict[int, str]) -> dict[int, int]:
    """Rows per branch, counting those of the 党小组 below it with it."""
    by_path = {path: pk for pk, path in branches.items()}
    counts: dict[int, int] = defaultdict(int)
    query = Q()
    for path in branches.values():
        query |= Q(unit__path__under=path)
    for path, number in rows.filter(query).values_list("unit__path").annotate(n=Count("pk")):
        while path and path not in by_path:
            path = path[: path.rstrip("/").rfind("/") + 1]
        if path:
            counts[by_path[path]] += number
    return counts


def evaluation_filing_deadlines(today: datetime.date, units, until: datetime.date):
    """Every branch's half-year evaluation, due at the office on the period's filing day."""
    link = reverse("reviews:campaigns")
    for period in (Period.containing(today - datetime.timedelta(days=183)), Period.containing(today)):
        due = period.filing_deadline
        if not today - CHASED <= due <= until:
            continue
        done = CampaignBranch.objects.filter(
            campaign__period=period.code, campaign__status=CampaignStatus.CLOSED
        )
        branches = (
            OrgUnit.objects.order_by().filter(level=Level.BRANCH).exclude(pk__in=done.values("unit_id"))
        )
        if units is not None:
            branches = branches.filter(pk__in=units)
        for unit_id in branches.values_list("pk", flat=True):
            yield Deadline(
                key=f"evaluation-filing:{unit_id}:{period.code}",
                kind="群众评议",
                title=f"{period.wording}群众评议及统计表报送，截止 {short_date(due)}",
                due=due,
                unit_id=unit_id,
                link=link,
            )


def campaign_close_deadlines(today: datetime.date, units, until: datetime.date):
    """Branches of an open campaign with no ballot in yet: neither a paper tally nor a vote."""
    waiting = (
        EvaluationSubject.objects.order_by()
        .filter(
            member__isnull=True,
            tallied_at__isnull=True,
            campaign__status=CampaignStatus.OPEN,
            campaign__closes_on__gte=today - CHASED,
            campaign__closes_on__lte=until,
        )
        .exclude(votes__isnull=False)
    )
    if units is not None:
        waiting = waiting.filter(unit__in=units)
    detail = reverse("reviews:campaign", args=[0]).removesuffix("0/")
    for campaign_id, unit_id, title, closes_on in waiting.values_list(
        "campaign_id", "unit_id", "campaign__title", "campaign__closes_on"
    ):
        yield Deadline(
            key=f"evaluation-close:{campaign_id}:{unit_id}",
            kind="群众评议",
            title=f"「{title[:30]}」请于 {short_date(closes_on)} 前完成评议并录入结果",
            due=closes_on,
            unit_id=unit_id,
            link=f"{detail}{campaign_id}/",
        )


register_source("review-rounds", missing_review_deadlines)
register_source("evaluation-filing", evaluation_filing_deadlines)
register_source("evaluation-close", campaign_close_deadlines)


def creation_deadlines(today: datetime.date, units, until: datetime.date):
    """A creation round's filings (seed 001 三): each branch's plan, progress reports and
    materials until filed, and its 自检自查 until done, due on the round's dates. One query,
    rounds and branches and filings together, whether or not a round is due."""
    due_soon = Q()
    for name in FILING_DUE.values():
        due_soon |= Q(**{f"round__{name}__range": (today - CHASED, until)})
    entries = CreationBranch.objects.order_by().filter(due_soon, round__status__in=FILING_STATUSES)
    if units is not None:
        entries = entries.filter(unit__in=units)
    dates = [f"round__{name}" for name in FILING_DUE.values()]
    filed: dict[int, set] = defaultdict(set)
    owing = {}
    for pk, round_id, year, status, unit_id, self_assessed_at, kind, *due in entries.values_list(
        "pk",
        "round_id",
        "round__year",
        "round__status",
        "unit_id",
        "self_assessed_at",
        "filings__kind",
        *dates,
    ):
        filed[pk].add(kind)
        owing[pk] = (
            round_id,
            year,
            status,
            unit_id,
            self_assessed_at is None,
            dict(zip(FILING_DUE, due, strict=True)),
        )
    with translation.override("zh-hans"):
        for pk, (round_id, year, status, unit_id, unassessed, due_of) in owing.items():
            owed = [(kind, due_of[kind]) for kind in FilingKind if kind not in filed[pk]]
            if status == CreationStatus.FILING and unassessed:
                owed.append(("self", due_of[FilingKind.MATERIALS]))
            for kind, due in owed:
                if not today - CHASED <= due <= until:
                    continue
                if kind == "self":
                    label, link = _("Self-check"), reverse("reviews:creation_self_assessment", args=[pk])
                else:
                    label, link = FilingKind(kind).label, reverse("reviews:creation_filing", args=[pk, kind])
                yield Deadline(
                    key=f"creation:{round_id}:{unit_id}:{kind}",
                    kind="创建先进单位",
                    title=f"{year}年度创建先进单位：{label}，截止 {short_date(due)}",
                    due=due,
                    unit_id=unit_id,
                    link=link,
                )


register_source("creation", creation_deadlines)
