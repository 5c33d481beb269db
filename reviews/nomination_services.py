"""Writes of the 优秀共产党员 nominations: a branch nominates one of its members with an
account against 五带头; the office decides whether it recommends the nominee. The round's
approval (creation_services.round_approve) commends the recommended."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.validators import plain_text_validator
from core.dates import long_date
from reviews.models import SCORING_STATUSES, CreationRound, Nomination
from reviews.nomination_selectors import takes_nominations
from reviews.review_forms import EXAMPLES


def _check_texts(texts: dict[str, str]) -> None:
    errors = {}
    for name, text in texts.items():
        try:
            plain_text_validator(text)
        except ValidationError as exc:
            errors[name] = exc.messages
    if errors:
        raise ValidationError(errors)
    if not any(text.strip() for text in texts.values()):
        raise ValidationError(_("Write the nominee's account against at least one of the five examples."))


@transaction.atomic
def nomination_save(
    *, nomination: Nomination, texts: dict[str, str], by, today: datetime.date | None = None
) -> Nomination:
    """Nominate a member (a new `Nomination(round=, member=)`) or amend the account of a
    nomination, while the round takes nominations: filing and assessing, to the assessment's
    last day. The caller has checked that `by` keeps the member's branch."""
    today = today or timezone.localdate()
    creation_round = (
        CreationRound.objects.select_for_update().select_related("township").get(pk=nomination.round_id)
    )
    if not takes_nominations(creation_round, today):
        raise ValidationError(
            _("Nominations are closed: the assessment of this round ended on %(day)s.")
            % {"day": long_date(creation_round.assessment_ends)}
        )
    if not nomination.member.unit.path.startswith(creation_round.township.path):
        raise ValidationError(_("The member is not in this round's township."))
    texts = {name: texts.get(name, "").strip() for name in EXAMPLES}
    _check_texts(texts)
    if nomination.pk is None:
        if Nomination.objects.filter(round=creation_round, member=nomination.member).exists():
            raise ValidationError(_("This member is already nominated in this round."))
        nomination.nominated_by = by
        nomination.nominated_at = timezone.now()
    else:
        nomination = Nomination.objects.select_for_update().get(pk=nomination.pk)
    for name, text in texts.items():
        setattr(nomination, name, text)
    nomination.full_clean()
    nomination.save()
    return nomination


@transaction.atomic
def nomination_decide(*, nomination: Nomination, recommended: bool, by) -> Nomination:
    """The office's decision at 综合评价: recommend the nominee for commendation, or not.
    Changed as often as the office likes until the round is submitted."""
    nomination = Nomination.objects.select_for_update().select_related("round").get(pk=nomination.pk)
    if nomination.round.status not in SCORING_STATUSES:
        raise ValidationError(_("Decisions on nominations are recorded while the round is being assessed."))
    nomination.recommended = recommended
    nomination._history_user = by  # the decision's author, in a request or not
    nomination.save(update_fields=["recommended"])
    return nomination
