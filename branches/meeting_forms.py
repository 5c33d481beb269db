from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit
from branches.forms import UnitChoiceField
from branches.meeting_selectors import convening_townships, invitable_people
from branches.models import JointMeeting, MeetingDecision
from core.forms import EvidenceField

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class AccountChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.account_label


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.account_label


class MeetingForm(forms.ModelForm):
    """Convening: the choices are the townships the user is office of and their accounts."""

    attendees = AccountChoiceField(
        label=_("attendees with an account"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Each is invited through the portal's inbox (and by e-mail if they take e-mail reminders)."
        ),
    )

    class Meta:
        model = JointMeeting
        fields = ["township", "held_at", "place", "topic", "agenda", "attendees", "other_attendees"]
        field_classes = {"township": UnitChoiceField}
        widgets = {"held_at": DATETIME_WIDGET, "agenda": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = convening_townships(actor)
        self.fields["township"].empty_label = None
        self.fields["attendees"].queryset = invitable_people(actor)
        self.fields["held_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label=_("minutes"), widget=forms.Textarea(attrs={"rows": 14}), max_length=20000, required=True
    )
    files = EvidenceField(label=_("Files of the minutes"))


class DecisionForm(forms.ModelForm):
    """A decision names a unit or a person of the meeting's township, and a deadline."""

    class Meta:
        model = MeetingDecision
        fields = ["text", "unit", "person", "deadline"]
        field_classes = {"unit": UnitChoiceField, "person": PersonChoiceField}
        widgets = {"deadline": DATE_WIDGET, "text": forms.Textarea(attrs={"rows": 3})}
        error_messages = {"deadline": {"required": _("Give the decision a deadline.")}}

    def __init__(self, *args, meeting: JointMeeting, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = OrgUnit.objects.writable_by(actor).filter(
            path__under=meeting.township.path
        )
        self.fields["person"].queryset = invitable_people(actor)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("unit") and not cleaned.get("person") and not self.has_error("person"):
            # On the field: the model's own check of the same rule then stays silent.
            self.add_error("unit", _("Name the unit or the person responsible for this decision."))
        return cleaned


class DecisionDoneForm(forms.Form):
    note = forms.CharField(
        label=_("how it was done"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
