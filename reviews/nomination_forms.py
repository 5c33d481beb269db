"""Forms of the nominations (五带头 accounts, the office's decision) and of the titles'
动态管理 (限期整改, revocation). What is required and what is plain text is the services'
rule: their messages land on these fields."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from reviews.models import FIVE_EXAMPLES, TEXT_LIMIT, Nomination
from reviews.review_forms import DATE_WIDGET, EXAMPLES


class NominationForm(forms.ModelForm):
    class Meta:
        model = Nomination
        fields = EXAMPLES
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in EXAMPLES}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for number, (name, label) in enumerate(zip(EXAMPLES, FIVE_EXAMPLES, strict=True), start=1):
            self.fields[name].label = f"{number}. {label}"


class DecisionForm(forms.Form):
    recommended = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("yes", _("Recommend for commendation")), ("no", _("Do not recommend"))],
        coerce=lambda value: value == "yes",
    )


class TitleRectifyForm(forms.Form):
    problem = forms.CharField(
        label=_("Problem"), widget=forms.Textarea(attrs={"rows": 3}), max_length=TEXT_LIMIT, required=False
    )
    demand = forms.CharField(
        label=_("Rectification demand"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=TEXT_LIMIT,
        required=False,
    )
    deadline = forms.DateField(label=_("Rectification deadline"), widget=DATE_WIDGET)


class TitleRevokeForm(forms.Form):
    revocation_reason = forms.CharField(
        label=_("Reason for revocation"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=TEXT_LIMIT,
        required=False,
        help_text=_(
            "For example: fraud found in the selection. The reason is kept for good and circulated "
            "in the notice."
        ),
    )
