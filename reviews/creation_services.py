"""Every write of the creation rounds (创建基层党组织建设先进单位, seed 001).

The round's steps: the office opens it (every 党支部 and 党总支 of the township enters it);
each branch files its plan, two progress reports and its materials and scores itself
(自检自查) while the round files; the office starts the unified assessment (统一考核), scores
and concludes every branch (综合评价), writes the summary (形成工作总结) and submits the
round; a leader of the township's leading group who scored no branch approves it, which
confers the titles and commends the recommended party members, or returns it.

All functions take keyword arguments only, so that pages, commands and the demo seed call
them alike; `by` is the acting user. Each refuses what the round's state does not allow
with a ValidationError whose messages are for the user, and then changes nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.models import Level, OrgUnit
from accounts.validators import plain_text_validator
from core.attachments import CheckedFile
from core.dates import long_date
from core.reminders import decision_notify
from core.services import attachment_add
from reviews.models import (
    CREATION_GOALS,
    CRITERIA,
    DATE_ORDER,
    FILING_STATUSES,
    SCORE_MAX,
    SCORING_STATUSES,
    CreationAssessment,
    CreationBranch,
    CreationConclusion,
    CreationFiling,
    CreationRound,
    CreationStatus,
    FilingKind,
    Nomination,
    Title,
    creation_dates,
    default_weights,
)

NOTE_LIMIT = 500


def _actor(by):
    return by if getattr(by, "pk", None) else None


@transaction.atomic
def creation_round_open(
    *, township: OrgUnit, year: int, by, dates: dict | None = None, weights: dict | None = None
) -> CreationRound:
    """The office opens the round assessed and commended in `year`.

    `dates` may set any of DATE_ORDER (the others, and those given as None, are seed 001's:
    `creation_dates(year)`); `weights` maps every goal of CREATION_GOALS to a whole number,
    together 100 (default: `default_weights()`). Every 党支部 and 党总支 of the township enters.
    """
    if township.level != Level.COMMITTEE:
        raise ValidationError(_("A creation round is opened for a township."))
    values = {**creation_dates(year), **{k: v for k, v in (dates or {}).items() if v is not None}}
    creation_round = CreationRound(
        township=township,
        year=year,
        weights=weights or default_weights(),
        opened_by=_actor(by),
        **{name: values[name] for name in DATE_ORDER},
    )
    creation_round.full_clean()
    creation_round.save()
    units = OrgUnit.objects.filter(path__under=township.path).branches().order_by("path")
    bulk_create_with_history(
        [CreationBranch(round=creation_round, unit=unit) for unit in units],
        CreationBranch,
        default_user=_actor(by),
    )
    return creation_round


def _locked(creation_round: CreationRound) -> CreationRound:
    return CreationRound.objects.select_for_update().select_related("township").get(pk=creation_round.pk)


@transaction.atomic
def creation_round_edit(*, round: CreationRound, by, dates: dict, weights: dict) -> CreationRound:
    """Change the round's dates (DATE_ORDER) and weights, until the summary is written."""
    creation_round = _locked(round)
    if creation_round.status not in FILING_STATUSES:
        raise ValidationError(_("The dates and weights can no longer change once the summary is written."))
    for name in DATE_ORDER:
        if dates.get(name) is not None:
            setattr(creation_round, name, dates[name])
    creation_round.weights = weights
    creation_round.full_clean()
    creation_round.save(update_fields=[*DATE_ORDER, "weights"])
    return creation_round


def _locked_entry(entry: CreationBranch) -> CreationBranch:
    """The branch's row, locked: its filings, scores and conclusion are written one at a time."""
    return CreationBranch.objects.select_for_update().select_related("round", "unit").get(pk=entry.pk)


@transaction.atomic
def creation_filing_save(
    *,
    entry: CreationBranch,
    kind: str,
    text: str,
    files: Iterable[tuple[CheckedFile, str]] = (),
    by,
    now: datetime.datetime | None = None,
) -> CreationFiling:
    """File the branch's plan, progress report or materials (`kind`: FilingKind), or amend it.

    `files` are (checked file, name) pairs, as core's EvidenceField gives them. The first
    filing's time is kept: a filing is late when it was first filed after its due date.
    """
    entry = _locked_entry(entry)
    if not entry.round.accepts_filings:
        raise ValidationError(_("The round no longer accepts filings."))
    if kind not in FilingKind.values:
        raise ValidationError(_("Unknown kind of filing."))
    files = list(files)
    filing = CreationFiling.objects.filter(entry=entry, kind=kind).first()
    if filing is None:
        if not text.strip() and not files:
            raise ValidationError(_("Write the text or attach at least one file."))
        filing = CreationFiling(entry=entry, kind=kind, filed_by=_actor(by), filed_at=now or timezone.now())
    filing.text = text
    filing.full_clean()
    filing.save()
    for checked, name in files:
        attachment_add(owner=filing, checked=checked, name=name, actor=_actor(by))
    return filing


def clean_scores(scores: dict) -> dict:
    """{criterion code: {"score": 0–SCORE_MAX, "note": "…"}} for every criterion of
    CREATION_GOALS, in their order; ValidationError naming each criterion at fault."""
    unknown = set(scores) - set(CRITERIA)
    if unknown:
        raise ValidationError(_("Unknown criterion: %(code)s.") % {"code": ", ".join(sorted(unknown))})
    cleaned, errors = {}, []
    for _goal, _label, items in CREATION_GOALS:
        for code, label in items:
            item = scores.get(code) or {}
            score, note = item.get("score"), item.get("note") or ""
            if score is None:
                errors.append(_("“%(criterion)s” has no score.") % {"criterion": label})
                continue
            if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= SCORE_MAX:
                errors.append(
                    _("“%(criterion)s”: a score is a whole number from 0 to %(max)d.")
                    % {"criterion": label, "max": SCORE_MAX}
                )
                continue
            if not isinstance(note, str) or len(note) > NOTE_LIMIT:
                errors.append(
                    _("“%(criterion)s”: the note is longer than %(limit)d characters.")
                    % {"criterion": label, "limit": NOTE_LIMIT}
                )
                continue
            try:
                plain_text_validator(note)
            except ValidationError as exc:
                errors.extend(f"“{label}”：{message}" for message in exc.messages)
                continue
            cleaned[code] = {"score": score, "note": note.strip()}
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def self_assessment_save(
    *, entry: CreationBranch, scores: dict, by, today: datetime.date | None = None
) -> CreationBranch:
    """自检自查: the branch's own scores (see `clean_scores`), while the round files and no
    later than the materials' due date; refused once the office started scoring."""
    entry = _locked_entry(entry)
    closed = entry.round.self_assessment_closed(today or timezone.localdate())
    if closed:
        raise ValidationError(closed)
    entry.self_scores = clean_scores(scores)
    entry.self_assessed_at = timezone.now()
    entry.full_clean()
    entry.save(update_fields=["self_scores", "self_assessed_at"])
    return entry


@transaction.atomic
def assessment_start(*, round: CreationRound, by) -> CreationRound:
    """统一考核 begins: the self-assessments close and the office scores every branch."""
    creation_round = _locked(round)
    creation_round.move_to(CreationStatus.ASSESSING)
    creation_round.save(update_fields=["status"])
    return creation_round


def _scoring(entry: CreationBranch) -> None:
    if entry.round.status not in SCORING_STATUSES:
        raise ValidationError(_("The branches are scored once the unified assessment has started."))


@transaction.atomic
def assessment_save(
    *, entry: CreationBranch, scores: dict, by, now: datetime.datetime | None = None
) -> CreationAssessment:
    """统一考核: the assessor's scores of the branch (see `clean_scores`); `by` is kept as who
    scored last, and every scorer stays in the history (an assessor never approves)."""
    entry = _locked_entry(entry)
    _scoring(entry)
    assessment = CreationAssessment.objects.filter(entry=entry).first() or CreationAssessment(
        round=entry.round, entry=entry
    )
    assessment.scores = clean_scores(scores)
    assessment.assessed_by = by
    assessment.assessed_at = now or timezone.now()
    assessment.full_clean()
    assessment.save()
    return assessment


@transaction.atomic
def conclusion_save(*, entry: CreationBranch, conclusion: str, note: str, by) -> CreationBranch:
    """综合评价: the assessors' conclusion on a scored branch, recommended or not, with a note."""
    entry = _locked_entry(entry)
    _scoring(entry)
    if not CreationAssessment.objects.filter(entry=entry).exists():
        raise ValidationError(_("Score the branch before concluding."))
    if conclusion not in (CreationConclusion.RECOMMENDED, CreationConclusion.NOT_RECOMMENDED):
        raise ValidationError(_("Choose whether the branch is recommended for the title."))
    entry.conclusion, entry.conclusion_note = conclusion, note
    entry.full_clean()
    entry.save(update_fields=["conclusion", "conclusion_note"])
    return entry


@transaction.atomic
def summary_save(*, round: CreationRound, summary: str, by) -> CreationRound:
    """形成工作总结: the office's summary of the round. Written once every branch is scored and
    concluded, it moves the round to SUMMARISED (审验 and 检查核实); it may be rewritten there."""
    creation_round = _locked(round)
    if not summary.strip():
        raise ValidationError(_("Write the summary."))
    if creation_round.status == CreationStatus.ASSESSING:
        waiting = [
            entry.unit.name
            for entry in creation_round.branches.filter(Q(assessment__isnull=True) | Q(conclusion=""))
            .select_related("unit")
            .order_by("unit__path")
        ]
        if waiting:
            raise ValidationError(
                _("Score and conclude every branch first; still open: %(branches)s.")
                % {"branches": "、".join(waiting)}
            )
        creation_round.move_to(CreationStatus.SUMMARISED)
    elif creation_round.status == CreationStatus.FILING:
        raise ValidationError(_("The summary is written once the branches are assessed."))
    elif creation_round.status != CreationStatus.SUMMARISED:
        raise ValidationError(_("The summary can no longer change."))
    creation_round.summary = summary
    creation_round.full_clean()
    creation_round.save(update_fields=["summary", "status"])
    return creation_round


@transaction.atomic
def round_submit(*, round: CreationRound, by, now: datetime.datetime | None = None) -> CreationRound:
    """The office submits the summarised round to the township's leading group for approval."""
    creation_round = _locked(round)
    creation_round.move_to(CreationStatus.SUBMITTED)
    creation_round.submitted_at = now or timezone.now()
    creation_round.save(update_fields=["status", "submitted_at"])
    return creation_round


def _decided_by(creation_round: CreationRound, by, status: str) -> None:
    creation_round.move_to(status)
    if not CreationRound.objects.approvable_by(by).filter(pk=creation_round.pk).exists():
        raise ValidationError(
            _("Only a member of the township's leading group who assessed no branch decides on the round.")
        )


@transaction.atomic
def round_approve(*, round: CreationRound, by, today: datetime.date | None = None) -> CreationRound:
    """Approve the submitted round: every branch recommended is titled on the commendation
    date, every party member recommended is commended on it, and each branch is told."""
    creation_round = _locked(round)
    _decided_by(creation_round, by, CreationStatus.APPROVED)
    creation_round.approved_by = by
    creation_round.approved_on = today or timezone.localdate()
    creation_round.save(update_fields=["status", "approved_by", "approved_on"])
    day = creation_round.commendation_on
    entries = list(creation_round.branches.select_related("unit").order_by("unit__path"))
    recommended = [e for e in entries if e.conclusion == CreationConclusion.RECOMMENDED]
    bulk_create_with_history(
        [Title(round=creation_round, unit=entry.unit, conferred_on=day) for entry in recommended],
        Title,
        default_user=by,
    )
    nominations = list(Nomination.objects.select_for_update().filter(round=creation_round, recommended=True))
    for nomination in nominations:
        nomination.commended_on = day
    bulk_update_with_history(nominations, Nomination, ["commended_on"], default_user=by)
    for entry in entries:
        if entry.conclusion == CreationConclusion.RECOMMENDED:
            body = _(
                "The results of the %(year)s round are approved: %(unit)s is named an advanced unit "
                "of Party building on %(day)s."
            ) % {"year": creation_round.year, "unit": entry.unit.name, "day": long_date(day)}
        else:
            body = _("The results of the %(year)s round are approved.") % {"year": creation_round.year}
        decision_notify(
            unit=entry.unit,
            key=f"creation:{creation_round.pk}:approved:{entry.unit_id}",
            title=f"【创建先进单位】{creation_round}",
            body=body,
            link=reverse("reviews:creation_branch", args=[entry.pk]),
        )
    return creation_round


@transaction.atomic
def round_return(*, round: CreationRound, by, comment: str) -> CreationRound:
    """Return the submitted round to the office with a comment (kept), to correct and resubmit."""
    creation_round = _locked(round)
    if not comment.strip():
        raise ValidationError(_("Say why the round is returned."))
    _decided_by(creation_round, by, CreationStatus.SUMMARISED)
    creation_round.return_comment = comment
    creation_round.full_clean()
    creation_round.save(update_fields=["status", "return_comment"])
    return creation_round
