"""Every write of 群众评议: opening a campaign, paper tallies, one-time codes, online ballots,
closing (results and rectifications) and publishing the results."""

from __future__ import annotations

import datetime
import logging
import secrets
from collections import defaultdict
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from accounts.models import Level, OrgUnit
from branches.models import Member
from core.reminders import decision_notify
from core.services import attachment_add
from inspections.services import open_rectification
from reviews.models import (
    BallotCode,
    Campaign,
    CampaignBranch,
    CampaignStatus,
    Choice,
    EvaluationSubject,
    Vote,
)

log = logging.getLogger(__name__)

# A code is read off paper and typed on a phone: no 0/O, 1/I/L.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8
MAX_CODES = 500
# How long a branch (or a member) below the threshold has to put things right.
RECTIFICATION_DAYS = 30
TALLY_FIELDS = [
    "handed_out",
    "returned",
    "paper_valid",
    "paper_satisfied",
    "paper_basic",
    "paper_unsatisfied",
    "paper_opinions",
]


def branches_under(unit: OrgUnit):
    """The branches a campaign organised by `unit` may evaluate: the unit itself when it is one."""
    itself = OrgUnit.objects.filter(pk=unit.pk)
    if unit.level == Level.BRANCH:
        return itself
    below = OrgUnit.objects.filter(path__under=unit.path, level=Level.BRANCH).order_by("path")
    if unit.level == Level.GENERAL_BRANCH and not below.exists():
        return itself  # a 党总支 with no branch of its own is evaluated as one
    return below


@transaction.atomic
def campaign_open(*, actor, campaign: Campaign, branches: Iterable[OrgUnit] = ()) -> Campaign:
    """Open a campaign with its subjects: each branch and every member in it (groups below too).

    No branch named: every branch under the organiser (or the organising branch itself).
    """
    allowed = branches_under(campaign.unit) if campaign.unit_id else OrgUnit.objects.none()
    branches = list(branches) or list(allowed)
    allowed_ids = set(allowed.values_list("pk", flat=True))
    outside = [unit.name for unit in branches if unit.pk not in allowed_ids]
    if outside:
        raise ValidationError(
            _("%(names)s are not branches of the organising unit.") % {"names": "、".join(outside)}
        )
    if not branches:
        raise ValidationError(_("The organising unit has no branch to evaluate."))
    campaign.opened_by = actor if getattr(actor, "pk", None) else None
    campaign.full_clean()
    campaign.save()
    CampaignBranch.objects.bulk_create([CampaignBranch(campaign=campaign, unit=unit) for unit in branches])
    subjects = []
    for unit in sorted(branches, key=lambda u: u.path):
        subjects.append(EvaluationSubject(campaign=campaign, unit=unit))
        members = Member.objects.filter(unit__path__under=unit.path).order_by("name", "pk")
        subjects += [EvaluationSubject(campaign=campaign, unit=unit, member=member) for member in members]
    EvaluationSubject.objects.bulk_create(subjects)
    return campaign


@transaction.atomic
def tally_save(
    *, actor, campaign: Campaign, subjects: list[EvaluationSubject], files=(), now=None
) -> list[EvaluationSubject]:
    """The paper tallies of one branch's subjects, all or none; the sheet's photo goes with the branch."""
    now = now or timezone.now()
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if locked.status != CampaignStatus.OPEN:
        raise ValidationError(_("This evaluation is closed: its tallies can no longer change."))
    for subject in subjects:
        if subject.campaign_id != campaign.pk:
            raise ValidationError(_("A subject does not belong to this evaluation."))
        subject.tallied_by = actor
        subject.tallied_at = now
        # Only the counts change: their fields and clean(), which states the check constraint
        # (and the database still enforces it); a branch's subjects are written in one go.
        subject.full_clean(
            exclude=["campaign", "unit", "member", "tallied_by", "rectification"], validate_constraints=False
        )
    bulk_update_with_history(
        subjects, EvaluationSubject, [*TALLY_FIELDS, "tallied_by", "tallied_at"], default_user=actor
    )
    if files:
        owner = next((s for s in subjects if s.member_id is None), subjects[0] if subjects else None)
        if owner is None:
            raise ValidationError(_("There is nothing to attach the tally sheet to."))
        for checked, name in files:
            attachment_add(owner=owner, checked=checked, name=name, actor=actor)
    return subjects


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


@transaction.atomic
def ballot_codes_create(*, campaign: Campaign, count: int) -> list[BallotCode]:
    """`count` one-time codes; a code that happens to exist already is drawn again."""
    if not 1 <= count <= MAX_CODES:
        raise ValidationError(_("Make between 1 and %(max)d codes at a time.") % {"max": MAX_CODES})
    if campaign.status != CampaignStatus.OPEN:
        raise ValidationError(_("This evaluation is closed."))
    made = []
    while len(made) < count:
        try:
            with transaction.atomic():
                made.append(BallotCode.objects.create(campaign=campaign, code=_new_code()))
        except IntegrityError:
            continue
    return made


def normalise_ballot_code(code: str) -> str:
    return "".join((code or "").split()).upper()


@transaction.atomic
def ballot_cast(
    *, campaign: Campaign, code: str, marks: dict[int, tuple[str, str]], today: datetime.date | None = None
) -> int:
    """Cast one ballot: `marks` maps subject ids to (choice, opinion). Returns the votes stored.

    The code is claimed by a conditional UPDATE in the same transaction as the votes: of two
    requests with one code, the second finds it used (or waits for the first and then does),
    and a failure rolls the claim back with the votes. Nothing ties the votes to the code,
    the account or the address, and only the day is kept.
    """
    today = today or timezone.localdate()
    if not campaign.accepts_ballots(today):
        raise ValidationError(_("This evaluation is not open for ballots."))
    if not marks:
        raise ValidationError(_("Mark at least one subject."))
    subject_ids = set(
        EvaluationSubject.objects.filter(campaign=campaign, pk__in=marks).values_list("pk", flat=True)
    )
    if subject_ids != set(marks):
        raise ValidationError(_("A subject does not belong to this evaluation."))
    votes = []
    for subject_id, (choice, opinion) in marks.items():
        if choice not in Choice.values:
            raise ValidationError(_("Choose 满意, 基本满意 or 不满意."))
        vote = Vote(subject_id=subject_id, choice=choice, opinion=(opinion or "").strip(), cast_on=today)
        vote.full_clean(exclude=["subject"])
        votes.append(vote)
    claimed = BallotCode.objects.filter(
        campaign=campaign, code=normalise_ballot_code(code), used_on__isnull=True
    ).update(used_on=today)
    if claimed != 1:
        if BallotCode.objects.filter(campaign=campaign, code=normalise_ballot_code(code)).exists():
            raise ValidationError(_("This code has already been used: each code casts one ballot."))
        raise ValidationError(_("This code is not valid for this evaluation: check it and try again."))
    Vote.objects.bulk_create(votes)
    return len(votes)


def _opinions(subject: EvaluationSubject, online: list[str]) -> list[str]:
    paper = [line.strip() for line in subject.paper_opinions.splitlines() if line.strip()]
    return paper + online


def satisfaction_label(subject: EvaluationSubject) -> str:
    return f"{float(subject.satisfaction) * 100:.1f}%" if subject.satisfaction is not None else "—"


@transaction.atomic
def campaign_close(*, actor, campaign: Campaign, now=None) -> Campaign:
    """Fix every subject's result (paper and online together), open a rectification for each
    one below the threshold with its opinions, and send the other opinions to their branch.

    Closing a closed campaign does nothing.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    campaign = Campaign.objects.select_for_update().select_related("unit").get(pk=campaign.pk)
    if campaign.status == CampaignStatus.CLOSED:
        return campaign
    subjects = list(
        EvaluationSubject.objects.filter(campaign=campaign)
        .select_related("unit", "member__unit")
        .order_by("pk")
    )
    counts = defaultdict(lambda: dict.fromkeys(Choice.values, 0))
    for row in (
        Vote.objects.filter(subject__campaign=campaign)
        .order_by()
        .values("subject_id", "choice")
        .annotate(n=Count("pk"))
    ):
        counts[row["subject_id"]][row["choice"]] = row["n"]
    online_opinions = defaultdict(list)
    for subject_id, opinion in (
        Vote.objects.filter(subject__campaign=campaign)
        .exclude(opinion="")
        .order_by("pk")
        .values_list("subject_id", "opinion")
    ):
        online_opinions[subject_id].append(opinion)

    routed = defaultdict(list)  # unit -> lines of opinions on subjects that passed
    issued_by = actor if getattr(actor, "pk", None) else None
    for subject in subjects:
        online = counts[subject.pk]
        subject.satisfied = subject.paper_satisfied + online[Choice.SATISFIED]
        subject.basic = subject.paper_basic + online[Choice.BASIC]
        subject.unsatisfied = subject.paper_unsatisfied + online[Choice.UNSATISFIED]
        subject.valid = subject.satisfied + subject.basic + subject.unsatisfied
        # No ballot at all: no result, and nothing to rectify on no evidence.
        subject.passed = (
            campaign.passes(subject.satisfied + subject.basic, subject.valid) if subject.valid else None
        )
        opinions = _opinions(subject, online_opinions[subject.pk])
        if subject.passed is False:
            problem = _(
                "Mass evaluation “%(title)s”: satisfaction %(percent)s (%(good)d of %(valid)d valid ballots "
                "satisfied or basically satisfied), below the threshold of %(threshold)s."
            ) % {
                "title": campaign.title,
                "percent": satisfaction_label(subject),
                "good": subject.satisfied + subject.basic,
                "valid": subject.valid,
                "threshold": campaign.threshold_label,
            }
            if opinions:
                problem += (
                    "\n" + _("Opinions and suggestions:") + "\n" + "\n".join(f"· {o}" for o in opinions)
                )
            subject.rectification = open_rectification(
                # A member of a 党小组 is rectified in its own unit, under the branch evaluated.
                unit=subject.member.unit if subject.member_id else subject.unit,
                member=subject.member,
                source=subject,
                problem=problem[:5000],
                demand=_(
                    "Study the opinions of the masses, make up the lessons and put the problems right; "
                    "report the measures and results."
                ),
                deadline=today + datetime.timedelta(days=RECTIFICATION_DAYS),
                issued_by=issued_by,
                issued_on=today,
            )
        elif opinions:
            routed[subject.unit].append(f"【{subject}】{satisfaction_label(subject)}")
            routed[subject.unit] += [f"· {o}" for o in opinions]
        # Computed from the checked tallies and the votes: no full_clean per row of a county's campaign.
        subject.save(update_fields=["valid", "satisfied", "basic", "unsatisfied", "passed", "rectification"])
    campaign.status = CampaignStatus.CLOSED
    campaign.closed_at = now
    campaign.save(update_fields=["status", "closed_at"])
    link = reverse("reviews:campaign", args=[campaign.pk])
    for unit, lines in routed.items():
        decision_notify(
            unit=unit,
            key=f"evaluation:{campaign.pk}:opinions:{unit.pk}",
            title=_("【Mass evaluation】Opinions on %(unit)s") % {"unit": unit.name},
            body="\n".join(lines)[:5000],
            link=link,
            now=now,
        )
    return campaign


def close_due(*, today: datetime.date | None = None) -> int:
    """Close every open campaign whose closing day has passed (a deadline is the end of its day)."""
    today = today or timezone.localdate()
    closed = 0
    due = Campaign.objects.filter(status=CampaignStatus.OPEN, closes_on__lt=today).order_by("pk")
    for pk in due.values_list("pk", flat=True):
        try:
            campaign_close(actor=None, campaign=Campaign(pk=pk))
        except ValidationError:
            # Bad data in one campaign must not keep the others open: it is logged, and the
            # office closes it by hand once corrected.
            log.exception("mass evaluation %s could not be closed", pk)
            continue
        closed += 1
    return closed


@transaction.atomic
def campaign_publish(*, actor, campaign: Campaign, today: datetime.date | None = None) -> Campaign:
    """整理通报: the results go out to the branches evaluated; each member reads its own."""
    today = today or timezone.localdate()
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status != CampaignStatus.CLOSED:
        raise ValidationError(_("Close the evaluation before publishing its results."))
    if campaign.published_on:
        return campaign
    campaign.published_on = today
    campaign.save(update_fields=["published_on"])
    link = reverse("reviews:campaign", args=[campaign.pk])
    for branch in CampaignBranch.objects.filter(campaign=campaign).select_related("unit"):
        decision_notify(
            unit=branch.unit,
            key=f"evaluation:{campaign.pk}:published:{branch.unit_id}",
            title=_("【Mass evaluation】Results of “%(title)s” published") % {"title": campaign.title},
            body=_("The results of the mass evaluation are published: open it to read them."),
            link=link,
        )
    return campaign
