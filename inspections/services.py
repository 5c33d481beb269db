"""Every write of the inspections app; other apps open rectifications through `open_rectification`."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from accounts.models import Level, OrgUnit, Role, RoleAssignment
from core.dates import short_date
from core.reminders import decision_notify
from core.services import attachment_add
from inspections.models import (
    Circular,
    CircularReceipt,
    CircularStatus,
    Finding,
    Inspection,
    InspectionGroup,
    InspectionStatus,
    Rectification,
    RectificationCheck,
    RectificationNotice,
    RectificationReply,
    RectificationStatus,
    Source,
    branch_q,
)

NUMBER_ATTEMPTS = 5


def _add_files(owner, files, actor) -> None:
    for checked, name in files:
        attachment_add(owner=owner, checked=checked, name=name, actor=actor)


# ---------------------------------------------------------------------------------------
# Groups and inspections


@transaction.atomic
def group_save(*, group: InspectionGroup, members: Iterable, units: Iterable[OrgUnit]) -> InspectionGroup:
    """Save a group: its leader and members must hold the inspector role over its township."""
    members = set(members) | {group.leader}
    units = list(units)
    inspectors = set(
        RoleAssignment.objects.filter(
            role=Role.INSPECTOR, user__in=members, org_unit__path__in=group.township.ancestor_paths()
        ).values_list("user_id", flat=True)
    )
    missing = sorted(str(user) for user in members if user.pk not in inspectors)
    if missing:
        raise ValidationError(
            _("%(names)s hold no inspector role in this township.") % {"names": "、".join(missing)}
        )
    outside = [unit.name for unit in units if not unit.path.startswith(group.township.path)]
    if outside:
        raise ValidationError(_("%(names)s are not in this township.") % {"names": "、".join(outside)})
    group.full_clean()
    group.save()
    group.members.set(members)
    group.units.set(units)
    return group


@transaction.atomic
def inspection_save(*, actor, inspection: Inspection, participants=None, files=()) -> Inspection:
    if inspection.pk is None:
        inspection.created_by = actor
    inspection.full_clean()
    inspection.save()
    if participants is not None:
        inspection.participants.set(participants)
    _add_files(inspection, files, actor)
    return inspection


@transaction.atomic
def inspection_finalise(*, actor, inspection: Inspection, today: datetime.date | None = None) -> Inspection:
    """Close the record: from now on only the office edits it, and its history keeps every edit."""
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    if inspection.status == InspectionStatus.FINAL:
        raise ValidationError(_("This inspection is already finalised."))
    if inspection.date > (today or timezone.localdate()):
        raise ValidationError(_("An inspection cannot be finalised before the day it takes place."))
    if not inspection.summary.strip():
        raise ValidationError(_("Write the inspection summary before finalising."))
    inspection.status = InspectionStatus.FINAL
    inspection.finalised_by = actor
    inspection.finalised_at = timezone.now()
    inspection.save(update_fields=["status", "finalised_by", "finalised_at"])
    return inspection


@transaction.atomic
def finding_save(*, actor, finding: Finding, files=()) -> Finding:
    opened = finding.pk and Rectification.objects.filter(**_source_of(finding)).exists()
    if opened and not finding.needs_rectification:
        raise ValidationError(_("A rectification was opened for this finding: it keeps needing one."))
    finding.full_clean()
    finding.save()
    _add_files(finding, files, actor)
    return finding


@transaction.atomic
def finding_delete(*, finding: Finding) -> None:
    if Rectification.objects.filter(**_source_of(finding)).exists():
        raise ValidationError(_("A rectification was opened for this finding: it cannot be deleted."))
    finding.delete()


# ---------------------------------------------------------------------------------------
# Rectifications


def _source_of(obj) -> dict:
    return {"source_type": ContentType.objects.get_for_model(obj), "source_id": obj.pk}


@transaction.atomic
def open_rectification(
    *,
    unit: OrgUnit,
    member=None,
    source,
    problem: str,
    demand: str,
    deadline: datetime.date,
    issued_by,
    group: InspectionGroup | None = None,
    notice: RectificationNotice | None = None,
    issued_on: datetime.date | None = None,
) -> Rectification:
    """Open a rectification of `unit` (or of `member` in it), raised by `source`.

    `source` is the object that raised it: an inspection finding, and in later apps a leader
    review, a mass evaluation or a joint-meeting decision (each a line of `Source`).
    `group` is the inspection group that re-checks it beside the office.
    """
    kind = source._meta.label_lower
    if kind not in Source.values:
        raise ValueError(f"{kind} is not a source of rectifications")
    rectification = Rectification(
        unit=unit,
        member=member,
        source=kind,
        **_source_of(source),
        group=group,
        notice=notice,
        problem=problem,
        demand=demand,
        issued_by=issued_by if getattr(issued_by, "pk", None) else None,
        issued_on=issued_on or timezone.localdate(),
        deadline=deadline,
    )
    rectification.full_clean()
    rectification.save()
    return rectification


def _allocate_number(model, township: OrgUnit, year: int, save: Callable[[int], object]):
    """Save a numbered document under the next free number of its township and year.

    Numbers are never reused (documents are never deleted); two requests racing for the
    same number meet the unique constraint, and the loser takes the next one.
    """
    for attempt in range(NUMBER_ATTEMPTS):
        last = model.objects.filter(township=township, year=year).aggregate(Max("number"))["number__max"]
        try:
            with transaction.atomic():
                return save((last or 0) + 1)
        except IntegrityError:
            if attempt == NUMBER_ATTEMPTS - 1:
                raise


def township_of(unit: OrgUnit) -> OrgUnit:
    """The committee (镇党委) a unit belongs to: the one its documents are numbered by."""
    committees = OrgUnit.objects.filter(path__in=unit.ancestor_paths(), level=Level.COMMITTEE)
    return committees.order_by("-path").first() or unit


@transaction.atomic
def notice_issue(
    *, actor, inspection: Inspection, items: list[tuple[Finding, str, datetime.date]], today=None
) -> RectificationNotice:
    """整改通知书: the finalised inspection's findings that need rectification, each with its
    demand and deadline, opened as rectifications of the branch under one numbered notice."""
    inspection = Inspection.objects.select_for_update().select_related("unit", "group").get(pk=inspection.pk)
    today = today or timezone.localdate()
    if inspection.status != InspectionStatus.FINAL:
        raise ValidationError(_("Finalise the inspection before issuing its rectification notice."))
    if RectificationNotice.objects.filter(inspection=inspection, unit=inspection.unit).exists():
        raise ValidationError(_("This inspection's rectification notice has already been issued."))
    if not items:
        raise ValidationError(_("No finding of this inspection needs rectification."))
    for finding, _demand, deadline in items:
        if finding.inspection_id != inspection.pk:
            raise ValidationError(_("A finding does not belong to this inspection."))
        if deadline < today:
            raise ValidationError(_("The deadline cannot be before the day it is issued."))
    township = township_of(inspection.unit)

    def save(number: int) -> RectificationNotice:
        return RectificationNotice.objects.create(
            township=township,
            year=today.year,
            number=number,
            inspection=inspection,
            unit=inspection.unit,
            issued_by=actor if getattr(actor, "pk", None) else None,
            issued_on=today,
        )

    notice = _allocate_number(RectificationNotice, township, today.year, save)
    for finding, demand, deadline in items:
        open_rectification(
            unit=inspection.unit,
            source=finding,
            problem=finding.text,
            demand=demand,
            deadline=deadline,
            issued_by=actor,
            group=inspection.group,
            notice=notice,
            issued_on=today,
        )
    lines = [
        _("%(count)d problem(s) found by the inspection of %(date)s must be put right:")
        % {"count": len(items), "date": short_date(inspection.date)}
    ]
    lines += [f"· {finding.text[:60]}（{short_date(deadline)}前）" for finding, _demand, deadline in items]
    decision_notify(
        unit=inspection.unit,
        key=f"notice:{notice.pk}",
        title=f"【整改通知】{notice.label}",
        body="\n".join(lines),
        link=reverse("inspections:notice", args=[notice.pk]),
    )
    return notice


@transaction.atomic
def rectification_reply(*, actor, rectification: Rectification, measures: str, result: str, files=()):
    """The branch (or the member) answers in writing; each reply is kept as a new version."""
    rectification = Rectification.objects.select_for_update().get(pk=rectification.pk)
    rectification.move_to(RectificationStatus.REPLIED)
    reply = RectificationReply(
        rectification=rectification,
        version=rectification.replies.count() + 1,
        measures=measures,
        result=result,
        replied_by=actor,
    )
    reply.full_clean()
    reply.save()
    _add_files(reply, files, actor)
    rectification.save(update_fields=["status"])
    return reply


@transaction.atomic
def rectification_recheck(
    *,
    actor,
    rectification: Rectification,
    passed: bool,
    comment: str = "",
    new_deadline: datetime.date | None = None,
    today: datetime.date | None = None,
) -> RectificationCheck:
    """复验: pass the last reply, or send it back with a comment and perhaps a new deadline."""
    rectification = (
        Rectification.objects.select_for_update(of=("self",))
        .select_related("unit", "member")
        .get(pk=rectification.pk)
    )
    today = today or timezone.localdate()
    rectification.move_to(RectificationStatus.PASSED if passed else RectificationStatus.RETURNED)
    reply = rectification.replies.order_by("-version").first()
    if reply.replied_by_id == getattr(actor, "pk", None):
        raise ValidationError(_("Whoever replied cannot re-check the reply."))
    if not passed and not comment.strip():
        raise ValidationError(_("Say what must still be put right."))
    if new_deadline and (passed or new_deadline < today):
        raise ValidationError(_("A new deadline must be today or later, for a rectification sent back."))
    check = RectificationCheck.objects.create(
        rectification=rectification,
        reply=reply,
        passed=passed,
        comment=comment,
        new_deadline=new_deadline,
        checked_by=actor if getattr(actor, "pk", None) else None,
    )
    rectification.checked_by = check.checked_by
    rectification.checked_on = today
    if new_deadline:
        rectification.deadline = new_deadline
    rectification.save(update_fields=["status", "checked_by", "checked_on", "deadline"])
    if passed:
        title, body = f"【复验通过】{rectification.problem[:40]}", comment
    else:
        title = f"【退回重改】{rectification.problem[:40]}"
        body = _("Comment: %(comment)s") % {"comment": comment}
        if new_deadline:
            body += "\n" + _("New deadline: %(date)s") % {"date": short_date(new_deadline)}
    decision_notify(
        unit=rectification.unit,
        key=f"rectification:{rectification.pk}:check:{check.pk}",
        title=title,
        body=body,
        link=reverse("inspections:rectification", args=[rectification.pk]),
        # A member's own rectification: the member hears of the decision too.
        owners=[rectification.member.user_id]
        if rectification.member and rectification.member.user_id
        else [],
    )
    return check


# ---------------------------------------------------------------------------------------
# Circulars


@transaction.atomic
def circular_save(*, actor, circular: Circular) -> Circular:
    if circular.pk is None:
        circular.drafted_by = actor
    circular.month = circular.month.replace(day=1)
    circular.full_clean()
    circular.save()
    return circular


@transaction.atomic
def circular_submit(*, actor, circular: Circular, now: datetime.datetime | None = None) -> Circular:
    circular = Circular.objects.select_for_update().get(pk=circular.pk)
    circular.move_to(CircularStatus.SUBMITTED)
    circular.submitted_at = now or timezone.now()
    circular.save(update_fields=["status", "submitted_at"])
    return circular


@transaction.atomic
def circular_decide(
    *, actor, circular: Circular, approve: bool, comment: str = "", now: datetime.datetime | None = None
) -> Circular:
    """A member of the township's leading group approves the circular or returns it."""
    circular = Circular.objects.select_for_update().get(pk=circular.pk)
    if circular.drafted_by_id == getattr(actor, "pk", None):
        raise ValidationError(_("The drafter cannot approve its own circular."))
    if not approve and not comment.strip():
        raise ValidationError(_("Say why the circular is returned."))
    circular.move_to(CircularStatus.APPROVED if approve else CircularStatus.RETURNED)
    circular.decided_by = actor
    circular.decided_at = now or timezone.now()
    circular.return_comment = "" if approve else comment
    circular.save(update_fields=["status", "decided_by", "decided_at", "return_comment"])
    return circular


def receiving_branches(township: OrgUnit):
    return OrgUnit.objects.filter(path__under=township.path, level=Level.BRANCH).order_by("path")


@transaction.atomic
def circular_issue(*, actor, circular: Circular, now: datetime.datetime | None = None) -> Circular:
    """Number an approved circular and send it to every branch of the township."""
    circular = Circular.objects.select_for_update().select_related("township").get(pk=circular.pk)
    if circular.status != CircularStatus.APPROVED:
        raise ValidationError(_("Only an approved circular can be issued."))
    now = now or timezone.now()
    year = timezone.localtime(now).year

    def save(number: int) -> Circular:
        circular.status = CircularStatus.ISSUED
        circular.year, circular.number = year, number
        circular.issued_by, circular.issued_at = actor if getattr(actor, "pk", None) else None, now
        circular.save(update_fields=["status", "year", "number", "issued_by", "issued_at"])
        return circular

    _allocate_number(Circular, circular.township, year, save)
    branches = list(receiving_branches(circular.township))
    bulk_create_with_history(
        [CircularReceipt(circular=circular, unit=unit) for unit in branches],
        CircularReceipt,
        default_user=actor if getattr(actor, "pk", None) else None,
    )
    link = reverse("inspections:circular", args=[circular.pk])
    for unit in branches:
        decision_notify(
            unit=unit,
            key=f"circular:{circular.pk}:issued:{unit.pk}",
            title=f"【督查通报】{circular.label} {circular.title}",
            body=_("Please read it and mark it as read in the portal."),
            link=link,
            now=now,
        )
    return circular


@transaction.atomic
def circular_acknowledge(*, actor, circular: Circular) -> int:
    """已阅 for each of `actor`'s branches that had not read it yet; how many were marked."""
    unread = CircularReceipt.objects.select_for_update().filter(
        branch_q(actor, "unit__path"), circular=circular, read_at__isnull=True
    )
    now = timezone.now()
    receipts = list(unread)
    for receipt in receipts:
        receipt.read_by, receipt.read_at = actor, now
        receipt.save(update_fields=["read_by", "read_at"])
    return len(receipts)
