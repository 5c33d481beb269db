"""Forms of the liaison visits."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branches.models import LiaisonSetting, LiaisonVisit, VisitFollowUp
from core.forms import EvidenceField

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class VisitForm(forms.ModelForm):
    files = EvidenceField(label=_("Photos and files"))

    class Meta:
        model = LiaisonVisit
        fields = ["visited_on", "kind", "met", "findings", "solved"]
        widgets = {
            "visited_on": DATE_WIDGET,
            "met": forms.Textarea(attrs={"rows": 2}),
            "findings": forms.Textarea(attrs={"rows": 4}),
            "solved": forms.Textarea(attrs={"rows": 3}),
        }

    def clean_visited_on(self):
        visited_on = self.cleaned_data["visited_on"]
        if visited_on > timezone.localdate():
            raise forms.ValidationError(_("A visit cannot be recorded before the day it takes place."))
        return visited_on


FollowUpFormSet = forms.inlineformset_factory(
    LiaisonVisit,
    VisitFollowUp,
    fields=["text", "deadline"],
    widgets={"text": forms.Textarea(attrs={"rows": 2}), "deadline": DATE_WIDGET},
    extra=2,
    can_delete=False,
    max_num=10,
    validate_max=True,
)


class ConfirmForm(forms.Form):
    remark = forms.CharField(
        label=_("Branch's remark"),
        required=False,
        max_length=LiaisonVisit._meta.get_field("remark").max_length,
        validators=LiaisonVisit._meta.get_field("remark").validators,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class LiaisonSettingForm(forms.Form):
    township = forms.ModelChoiceField(label=_("Township"), queryset=None, empty_label=None)
    visit_gap_days = LiaisonSetting._meta.get_field("visit_gap_days").formfield()

    def __init__(self, *args, townships, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = townships
