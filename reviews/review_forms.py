"""Forms of the leader reviews: rounds, sheets with their demands, work reports, self-assessments."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import EvidenceField
from core.periods import period_choices
from reviews.models import (
    BRANCH_ASPECTS,
    FIVE_EXAMPLES,
    MEMBER_ASPECTS,
    TEXT_LIMIT,
    Review,
    ReviewDemand,
    ReviewKind,
    ReviewRound,
    SelfAssessment,
)

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
ASPECTS = ["aspect_1", "aspect_2", "aspect_3", "aspect_4"]
EXAMPLES = ["example_1", "example_2", "example_3", "example_4", "example_5"]


class RoundForm(forms.ModelForm):
    period = forms.ChoiceField(label=_("Period"))

    class Meta:
        model = ReviewRound
        fields = ["township", "period", "ends_on"]
        widgets = {"ends_on": DATE_WIDGET}

    def __init__(self, *args, townships, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = townships
        self.fields["township"].empty_label = None
        self.fields["period"].choices = period_choices(timezone.localdate())


class ReviewForm(forms.ModelForm):
    class Meta:
        model = Review
        fields = [
            "reviewed_on",
            "method",
            "meeting_on",
            "meeting_place",
            "attendees",
            "public_representatives",
            *ASPECTS,
            "achievements",
            "problems",
            "direction",
        ]
        widgets = {
            "reviewed_on": DATE_WIDGET,
            "meeting_on": DATE_WIDGET,
            "attendees": forms.Textarea(attrs={"rows": 2}),
            "public_representatives": forms.Textarea(attrs={"rows": 2}),
            **{name: forms.Textarea(attrs={"rows": 3}) for name in ASPECTS},
            "achievements": forms.Textarea(attrs={"rows": 4}),
            "problems": forms.Textarea(attrs={"rows": 4}),
            "direction": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        labels = BRANCH_ASPECTS if kind == ReviewKind.BRANCH else MEMBER_ASPECTS
        for number, (name, label) in enumerate(zip(ASPECTS, labels, strict=True), start=1):
            self.fields[name].label = f"{number}. {label}"
        self.fields["reviewed_on"].required = True
        self.fields["method"].required = True

    def clean(self):
        data = super().clean()
        if data.get("method") == "concentrated":
            for name in ("meeting_on", "meeting_place"):
                if not data.get(name):
                    self.add_error(name, _("A collective review needs the meeting's date and place."))
        return data


class DemandForm(forms.ModelForm):
    class Meta:
        model = ReviewDemand
        fields = ["problem", "demand", "deadline"]
        widgets = {
            "problem": forms.Textarea(attrs={"rows": 2}),
            "demand": forms.Textarea(attrs={"rows": 2}),
            "deadline": DATE_WIDGET,
        }

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline and deadline < timezone.localdate():
            raise forms.ValidationError(_("A rectification deadline cannot be before today."))
        return deadline


DemandFormSet = forms.inlineformset_factory(
    Review, ReviewDemand, form=DemandForm, extra=1, can_delete=True, max_num=20, validate_max=True
)


class WorkReportForm(forms.Form):
    text = forms.CharField(
        label=_("Work report"),
        widget=forms.Textarea(attrs={"rows": 12}),
        max_length=TEXT_LIMIT * 2,
        help_text=_("What was done in the campaign, the commitments and how they were kept, and the plans."),
    )
    files = EvidenceField(label=_("Photos and files"))


class SelfAssessmentForm(forms.ModelForm):
    class Meta:
        model = SelfAssessment
        fields = [*EXAMPLES, "shortcomings"]
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in [*EXAMPLES, "shortcomings"]}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for number, (name, label) in enumerate(zip(EXAMPLES, FIVE_EXAMPLES, strict=True), start=1):
            self.fields[name].label = f"{number}. {label}"


class CompilationForm(forms.Form):
    compilation = forms.CharField(
        label=_("Compilation of the reviews"),
        widget=forms.Textarea(attrs={"rows": 20}),
        max_length=TEXT_LIMIT * 4,
        required=False,
    )
