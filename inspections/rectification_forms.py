"""Forms of the rectification ledger, its replies and re-checks, and of circulars."""

from __future__ import annotations

import datetime

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit, Role
from accounts.scoping import MANAGE_ROLES, subtree_q
from branches.forms import UnitChoiceField
from core.forms import EvidenceField
from core.periods import Period, period_choices
from inspections.models import Circular, InspectionGroup, RectificationStatus, Source, groups_of

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONTH_WIDGET = forms.TextInput(attrs={"type": "month"})
MONTH = r"^\d{4}-\d{2}$"  # what a browser's month picker sends
OVERDUE = "overdue"


class RectificationFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    source = forms.ChoiceField(label=_("Source"), required=False)
    state = forms.ChoiceField(label=_("Status"), required=False)
    unit = UnitChoiceField(label=_("Unit (and below)"), queryset=None, required=False)
    period = forms.ChoiceField(label=_("Period"), required=False)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = OrgUnit.objects.visible_to(actor)
        self.fields["source"].choices = [("", _("All"))] + Source.choices
        self.fields["state"].choices = (
            [("", _("All"))] + RectificationStatus.choices + [(OVERDUE, _("Overdue"))]
        )
        self.fields["period"].choices = [("", _("All"))] + period_choices(timezone.localdate())

    def apply(self, rectifications):
        if not self.is_valid():
            return rectifications.none()
        data = self.cleaned_data
        if data["q"]:
            rectifications = rectifications.filter(
                Q(problem__icontains=data["q"])
                | Q(demand__icontains=data["q"])
                | Q(unit__name__icontains=data["q"])
                | Q(member__name__icontains=data["q"])
            )
        if data["source"]:
            rectifications = rectifications.filter(source=data["source"])
        if data["state"] == OVERDUE:
            rectifications = rectifications.overdue()
        elif data["state"]:
            rectifications = rectifications.filter(status=data["state"])
        if data["unit"]:
            rectifications = rectifications.filter(unit__path__under=data["unit"].path)
        if data["period"]:
            period = Period.parse(data["period"])
            rectifications = rectifications.filter(issued_on__range=(period.start, period.end))
        return rectifications


class ReplyForm(forms.Form):
    measures = forms.CharField(
        label=_("Rectification measures"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )
    result = forms.CharField(
        label=_("Rectification result"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    files = EvidenceField(label=_("Photos and files"))


class RecheckForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Re-check conclusion"),
        choices=[("pass", _("Re-check passed")), ("return", _("Send back for more work"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text=_("Required when sending it back: say what must still be put right."),
    )
    new_deadline = forms.DateField(
        label=_("New deadline"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("Optional, when sending it back."),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "return" and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Say what must still be put right."))
        return data


# ---------------------------------------------------------------------------------------
# Circulars


def drafting_groups(user):
    """The groups `user` drafts circulars for: any group of its township for the office,
    its own groups for an inspector."""
    own = Q(pk__in=groups_of(user).values("pk")) & subtree_q(user, "township__path", (Role.INSPECTOR,))
    return (
        InspectionGroup.objects.filter(active=True)
        .filter(subtree_q(user, "township__path", MANAGE_ROLES) | own)
        .select_related("township")
        .order_by("township__path", "name")
    )


def parse_month(text: str | None) -> datetime.date | None:
    try:
        year, month = (int(part) for part in (text or "").split("-"))
        return datetime.date(year, month, 1)
    except (TypeError, ValueError):
        return None


class DraftMonthForm(forms.Form):
    """Which month (and group) to pre-fill a new circular from."""

    group = forms.ModelChoiceField(label=_("Inspection group"), queryset=None, empty_label=None)
    month = forms.RegexField(label=_("Month"), regex=MONTH, widget=MONTH_WIDGET)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = drafting_groups(actor)


class CircularForm(forms.ModelForm):
    month_text = forms.RegexField(label=_("Month"), regex=MONTH, widget=MONTH_WIDGET)

    class Meta:
        model = Circular
        fields = ["group", "title", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 24})}

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = drafting_groups(actor)
        self.fields["group"].empty_label = None
        self.order_fields(["group", "month_text", "title", "body"])
        if self.instance.pk:
            self.initial.setdefault("month_text", f"{self.instance.month:%Y-%m}")
            # The group and the month stay as drafted: the text was written from them.
            del self.fields["group"]
            self.fields["month_text"].disabled = True

    def clean(self):
        data = super().clean()
        month = parse_month(data.get("month_text"))
        if data.get("month_text") and month is None:
            self.add_error("month_text", _("Choose a month."))
        elif month:
            self.instance.month = month
        group = data.get("group")
        if group is not None:
            self.instance.township = group.township
        return data


class DecideForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("return", _("Return"))])
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000)

    def clean(self):
        data = super().clean()
        if data.get("decision") == "return" and not (data.get("comment") or "").strip():
            raise forms.ValidationError(_("Say why the circular is returned."))
        return data
