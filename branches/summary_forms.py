from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Level, OrgUnit
from branches.forms import UnitChoiceField
from branches.models import PeriodSummary
from core.forms import EvidenceField
from core.periods import Period, period_choices


def summary_branches(user):
    """Branches whose summary `user` writes: its own as secretary, the office's all."""
    return OrgUnit.objects.kept_by(user).filter(level=Level.BRANCH).order_by("path")


def last_period(today) -> Period:
    """The half-year just ended: summaries are written after a period closes."""
    current = Period.containing(today)
    return Period(current.year, 1) if current.half == 2 else Period(current.year - 1, 2)


class SummaryForm(forms.ModelForm):
    period = forms.ChoiceField(label=_("period"))
    files = EvidenceField(label=_("Attachments"))

    class Meta:
        model = PeriodSummary
        fields = ["unit", "period", "done", "worked", "learnt", "watch"]
        field_classes = {"unit": UnitChoiceField}
        widgets = {name: forms.Textarea(attrs={"rows": 6}) for name in ["done", "worked", "learnt", "watch"]}

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["period"].choices = period_choices(today)
        if self.instance.pk:  # the branch and the period of a filed summary stay
            del self.fields["unit"]
            del self.fields["period"]
            return
        self.fields["unit"].queryset = summary_branches(actor)
        self.initial.setdefault("period", last_period(today).code)
        units = list(self.fields["unit"].queryset[:2])
        if len(units) == 1:
            self.initial["unit"] = units[0].pk


class SummaryFilterForm(forms.Form):
    """The period a list shows: the half-year just ended unless the user picks another."""

    period = forms.ChoiceField(
        label=_("period"), required=False, widget=forms.Select(attrs={"class": "form-select"})
    )

    def __init__(self, data=None, **kwargs):
        today = timezone.localdate()
        super().__init__(data or None, initial={"period": last_period(today).code}, **kwargs)
        self.fields["period"].choices = period_choices(today)

    def chosen_period(self) -> str:
        if self.is_bound and self.is_valid() and self.cleaned_data["period"]:
            return self.cleaned_data["period"]
        return self.initial["period"]
