"""动态管理 of the titles conferred (seed 001 四(三)): a titled branch whose work slips is put
under 限期整改 (a rectification with the title as its source, through the inspections app's
`open_rectification`); one found to have cheated loses its title, circulated to every
branch of the township (通报批评). A title is never deleted: its revocation, reason, date
and who revoked it stay on the row for good."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Level, OrgUnit
from accounts.validators import plain_text_validator
from core.dates import long_date
from core.reminders import decision_notify
from inspections.models import Rectification
from inspections.services import open_rectification
from reviews.models import Title
from reviews.nomination_selectors import honour, title_wording


def _locked_standing(title: Title) -> Title:
    locked = Title.objects.select_for_update().select_related("unit", "round__township").get(pk=title.pk)
    if locked.revoked_on:
        raise ValidationError(_("This title was revoked on %(day)s.") % {"day": long_date(locked.revoked_on)})
    return locked


def _plain(fields: dict[str, tuple[str, str]]) -> None:
    """Each text (name: (text, message when empty)) is required and plain: no markup, no formula."""
    errors = {}
    for name, (text, missing) in fields.items():
        try:
            if not text.strip():
                raise ValidationError(missing)
            plain_text_validator(text)
        except ValidationError as exc:
            errors[name] = exc.messages
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def title_rectify(
    *,
    title: Title,
    problem: str,
    demand: str,
    deadline: datetime.date,
    by,
    today: datetime.date | None = None,
) -> Rectification:
    """限期整改: open a rectification of the titled branch, the title as its source, and tell the branch."""
    today = today or timezone.localdate()
    title = _locked_standing(title)
    _plain(
        {
            "problem": (problem, _("Describe the problem found.")),
            "demand": (demand, _("Write what the branch must put right.")),
        }
    )
    if deadline < today:
        raise ValidationError({"deadline": _("A rectification deadline cannot be before today.")})
    rectification = open_rectification(
        unit=title.unit,
        source=title,
        problem=problem.strip(),
        demand=demand.strip(),
        deadline=deadline,
        issued_by=by,
        issued_on=today,
    )
    decision_notify(
        unit=title.unit,
        key=f"title:{title.pk}:rectification:{rectification.pk}",
        title=_("【Rectification within a time limit】%(title)s") % {"title": title_wording(title)},
        body=_("Put right by %(day)s: %(demand)s")
        % {"day": long_date(deadline), "demand": rectification.demand},
        link=reverse("inspections:rectification", args=[rectification.pk]),
    )
    return rectification


@transaction.atomic
def title_revoke(*, title: Title, reason: str, by, today: datetime.date | None = None) -> Title:
    """Revoke a title, with its reason (required), and circulate the notice to the township's branches."""
    today = today or timezone.localdate()
    title = _locked_standing(title)
    _plain({"revocation_reason": (reason, _("A title is revoked only with its reason: write it."))})
    title.revoked_on = today
    title.revoked_by = by
    title.revocation_reason = reason.strip()
    title.full_clean()
    title.save(update_fields=["revoked_on", "revoked_by", "revocation_reason"])
    township = title.round.township
    branches = OrgUnit.objects.filter(path__under=township.path, level=Level.BRANCH) | OrgUnit.objects.filter(
        pk=title.unit_id
    )
    heading = _("On revoking the title “%(honour)s” of %(unit)s") % {
        "honour": honour(title.unit),
        "unit": title.unit.name,
    }
    body = _("%(unit)s loses its title “%(title)s”. Reason: %(reason)s") % {
        "unit": title.unit.name,
        "title": title_wording(title),
        "reason": title.revocation_reason,
    }
    link = reverse("reviews:title_notice", args=[title.pk])
    for unit in branches.order_by("path"):
        decision_notify(
            unit=unit,
            key=f"title:{title.pk}:revoked:{unit.pk}",
            title=_("【Circular】%(heading)s") % {"heading": heading},
            body=body,
            link=link,
        )
    return title
