"""Forms of 群众评议: opening a campaign, a branch's paper tallies, codes, and the public ballot."""

from __future__ import annotations

from fractions import Fraction

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Level, OrgUnit
from branches.forms import UnitChoiceField
from core.forms import EvidenceField
from core.periods import period_choices
from reviews.evaluation_services import MAX_CODES
from reviews.models import (
    DEFAULT_THRESHOLD,
    LOWEST_THRESHOLD,
    TWO_THIRDS,
    Campaign,
    Choice,
    EvaluationSubject,
)

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
THRESHOLDS = {"4/5": DEFAULT_THRESHOLD, "2/3": TWO_THIRDS}
OTHER = "other"


def organising_units(actor):
    """Where `actor` may open a campaign: a township it is office of, or a branch it keeps."""
    return (
        OrgUnit.objects.kept_by(actor)
        .filter(level__in=[Level.COMMITTEE, Level.GENERAL_BRANCH, Level.BRANCH])
        .order_by("path")
    )


class CampaignForm(forms.ModelForm):
    threshold = forms.ChoiceField(
        label=_("Pass mark"),
        choices=[
            ("4/5", _("80 % (the default)")),
            ("2/3", _("Two thirds")),
            (OTHER, _("Another percentage")),
        ],
        initial="4/5",
        widget=forms.RadioSelect,
    )
    percent = forms.IntegerField(
        label=_("Percentage"),
        required=False,
        help_text=_("A whole number from 50 to 100, when another percentage is chosen."),
    )
    branches = forms.ModelMultipleChoiceField(
        label=_("Branches evaluated"),
        queryset=None,
        required=False,
        help_text=_("Leave empty for every branch under the organising unit."),
    )

    class Meta:
        model = Campaign
        fields = ["unit", "period", "title", "opens_on", "closes_on"]
        field_classes = {"unit": UnitChoiceField}
        widgets = {"opens_on": DATE_WIDGET, "closes_on": DATE_WIDGET}

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        units = organising_units(actor)
        self.fields["unit"].queryset = units
        self.fields["unit"].empty_label = None
        self.fields["period"] = forms.ChoiceField(
            label=_("Period"), choices=period_choices(timezone.localdate())
        )
        self.fields["branches"].queryset = (
            OrgUnit.objects.kept_by(actor).filter(level=Level.BRANCH).order_by("path")
        )
        self.order_fields(
            ["unit", "period", "title", "opens_on", "closes_on", "threshold", "percent", "branches"]
        )

    def clean(self):
        data = super().clean()
        choice = data.get("threshold")
        if choice == OTHER:
            percent = data.get("percent")
            if percent is None:
                self.add_error("percent", _("Enter the percentage."))
                return data
            value = Fraction(percent, 100)
            if not LOWEST_THRESHOLD <= value <= 1:
                self.add_error("percent", _("The threshold must lie between 50 % and 100 %."))
                return data
        elif choice in THRESHOLDS:
            value = THRESHOLDS[choice]
        else:
            return data
        self.instance.threshold_numerator = value.numerator
        self.instance.threshold_denominator = value.denominator
        return data


class TallyForm(forms.ModelForm):
    """One subject's paper tally: 发出 ≥ 收回 ≥ 有效 = 满意 + 基本满意 + 不满意."""

    class Meta:
        model = EvaluationSubject
        fields = [
            "handed_out",
            "returned",
            "paper_valid",
            "paper_satisfied",
            "paper_basic",
            "paper_unsatisfied",
            "paper_opinions",
        ]
        widgets = {"paper_opinions": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.Meta.fields[:-1]:
            self.fields[name].widget.attrs.update({"min": 0, "inputmode": "numeric"})
        self.fields["paper_opinions"].help_text = _("One opinion a line.")


class TallySheetForm(forms.Form):
    files = EvidenceField(label=_("Photo of the tally sheet"))


class CodesForm(forms.Form):
    count = forms.IntegerField(label=_("Number of codes"), min_value=1, max_value=MAX_CODES, initial=50)


class BallotForm(forms.Form):
    """The public ballot: a code, and for each subject a mark and an optional opinion."""

    code = forms.CharField(label=_("Ballot code"), max_length=16)

    def __init__(self, *args, subjects, **kwargs):
        super().__init__(*args, **kwargs)
        self.subjects = list(subjects)
        for subject in self.subjects:
            self.fields[f"choice_{subject.pk}"] = forms.ChoiceField(
                label=str(subject),
                choices=Choice.choices,
                required=False,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
            )
            self.fields[f"opinion_{subject.pk}"] = forms.CharField(
                label=_("Opinions and suggestions"),
                required=False,
                max_length=1000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def rows(self):
        """(subject, its mark's field, its opinion's field), in order, for the template."""
        return [(s, self[f"choice_{s.pk}"], self[f"opinion_{s.pk}"]) for s in self.subjects]

    def clean(self):
        data = super().clean()
        marks = {
            s.pk: (data[f"choice_{s.pk}"], data.get(f"opinion_{s.pk}", ""))
            for s in self.subjects
            if data.get(f"choice_{s.pk}")
        }
        if self.subjects and not marks and not self.errors:
            raise forms.ValidationError(_("Mark at least one subject."))
        data["marks"] = marks
        return data
