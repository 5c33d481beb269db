"""Forms of the creation rounds: opening a round and its dates and weights, a branch's
filings, the scores of 自检自查 and 统一考核, the conclusion, the summary and the decision."""

from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Level, OrgUnit
from accounts.validators import plain_text_validator
from core.forms import EvidenceField
from reviews.creation_services import NOTE_LIMIT
from reviews.models import (
    CREATION_GOALS,
    DATE_ORDER,
    SCORE_MAX,
    TEXT_LIMIT,
    CreationConclusion,
    CreationRound,
    default_weights,
)

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NOTE_HINT = _("What shows it: meetings held, records, results")
SCORE_WIDGET = forms.NumberInput(
    attrs={"min": 0, "max": SCORE_MAX, "step": 1, "inputmode": "numeric", "class": "form-control score"}
)


def round_townships(user):
    """The townships whose office `user` is: where it may open a round."""
    return OrgUnit.objects.writable_by(user).filter(level=Level.COMMITTEE).order_by("path")


def default_year(today: datetime.date) -> int:
    """The round still ahead: commended before 七·一, so after June it is next year's."""
    return today.year if today.month <= 6 else today.year + 1


class RoundDatesForm(forms.Form):
    """The round's dates in the order of its steps, and the weight of each goal."""

    def __init__(self, *args, dates_required: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        for name in DATE_ORDER:
            self.fields[name] = forms.DateField(
                label=CreationRound._meta.get_field(name).verbose_name.capitalize(),
                required=dates_required,
                widget=DATE_WIDGET,
            )
        defaults = default_weights()
        for goal, label, _items in CREATION_GOALS:
            self.fields[f"weight_{goal}"] = forms.IntegerField(
                label=_("Weight: %(goal)s") % {"goal": label},
                min_value=0,
                max_value=100,
                initial=defaults[goal],
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )

    def clean(self):
        data = super().clean()
        data["dates"] = {name: data.get(name) for name in DATE_ORDER}
        data["weights"] = {goal: data.get(f"weight_{goal}") for goal, _label, _items in CREATION_GOALS}
        return data


class RoundOpenForm(RoundDatesForm):
    township = forms.ModelChoiceField(label=_("Township"), queryset=OrgUnit.objects.none(), empty_label=None)
    year = forms.IntegerField(
        label=_("Year of assessment and commendation"),
        min_value=2000,
        max_value=2100,
        help_text=_("The round is assessed in May of this year and commended before 1 July."),
    )

    def __init__(self, *args, townships, today: datetime.date, **kwargs):
        super().__init__(*args, dates_required=False, **kwargs)
        self.fields["township"].queryset = townships
        self.fields["year"].initial = default_year(today)
        for name in DATE_ORDER:
            self.fields[name].help_text = _("Leave empty for the date of the implementation plan.")
        self.order_fields(["township", "year"])


class FilingForm(forms.Form):
    text = forms.CharField(
        label=_("Text"), widget=forms.Textarea(attrs={"rows": 10}), max_length=TEXT_LIMIT * 2, required=False
    )
    files = EvidenceField(label=_("Attachments"))


class ScoresForm(forms.Form):
    """A whole-number score from 0 to SCORE_MAX and a short note for every criterion."""

    def __init__(self, *args, scores: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        scores = scores or {}
        for _goal, _label, items in CREATION_GOALS:
            for code, label in items:
                given = scores.get(code, {})
                self.fields[f"score_{code}"] = forms.IntegerField(
                    label=label,
                    min_value=0,
                    max_value=SCORE_MAX,
                    initial=given.get("score"),
                    widget=SCORE_WIDGET,
                )
                self.fields[f"note_{code}"] = forms.CharField(
                    label=_("Note and evidence"),
                    required=False,
                    max_length=NOTE_LIMIT,
                    initial=given.get("note", ""),
                    validators=[plain_text_validator],
                    widget=forms.Textarea(
                        attrs={"rows": 2, "class": "form-control form-control-sm", "placeholder": NOTE_HINT}
                    ),
                )

    def groups(self) -> list[dict]:
        """The criteria of each goal with their two fields, for the page."""
        return [
            {
                "goal": goal,
                "label": label,
                "criteria": [
                    {"code": code, "score": self[f"score_{code}"], "note": self[f"note_{code}"]}
                    for code, _item in items
                ],
            }
            for goal, label, items in CREATION_GOALS
        ]

    @property
    def scores(self) -> dict:
        data = self.cleaned_data
        return {
            code: {"score": data[f"score_{code}"], "note": data[f"note_{code}"]}
            for _goal, _label, items in CREATION_GOALS
            for code, _item in items
        }


class ConclusionForm(forms.Form):
    conclusion = forms.ChoiceField(
        label=_("Conclusion"),
        choices=[
            (CreationConclusion.RECOMMENDED, CreationConclusion.RECOMMENDED.label),
            (CreationConclusion.NOT_RECOMMENDED, CreationConclusion.NOT_RECOMMENDED.label),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Assessors' conclusion"),
        required=False,
        max_length=TEXT_LIMIT,
        validators=[plain_text_validator],
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SummaryForm(forms.Form):
    summary = forms.CharField(
        label=_("Work summary"), widget=forms.Textarea(attrs={"rows": 18}), max_length=TEXT_LIMIT * 4
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("return", _("Return"))])
    comment = forms.CharField(label=_("Comment"), required=False, max_length=TEXT_LIMIT)
