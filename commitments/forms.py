from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import OrgUnit
from branches.forms import UnitChoiceField
from branches.models import Member
from commitments.models import Category, Channel, Commitment, CommitmentLetter, Status
from core.forms import EvidenceField
from core.periods import Period, period_choices

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def filing_units(user):
    """Branches for which `user` files commitments."""
    return OrgUnit.objects.kept_by(user).branches()


def filing_members(user):
    """Members whose own commitments `user` files: a secretary's branch, or the member itself."""
    return Member.objects.filed_for_by(user).select_related("unit").order_by("unit__path", "name", "pk")


def _period_field(**kwargs) -> forms.ChoiceField:
    today = timezone.localdate()
    return forms.ChoiceField(
        label=_("Period"), choices=period_choices(today), initial=Period.containing(today).code, **kwargs
    )


class CommitmentForm(forms.ModelForm):
    owner = forms.ChoiceField(label=_("Committed by"))
    period = _period_field()
    # Whose commitment it is comes first, as on the ledger (承诺单位/承诺人).
    field_order = ["owner", "period"]

    class Meta:
        model = Commitment
        fields = ["category", "content", "measures", "target", "deadline", "responsible", "note"]
        widgets = {
            "deadline": DATE_WIDGET,
            "content": forms.Textarea(attrs={"rows": 3}),
            "measures": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"] = _period_field()
        members = filing_members(actor)
        self.fields["responsible"].queryset = members
        if self.instance.pk:
            del self.fields["owner"], self.fields["period"]  # a filed commitment keeps its letter
            return
        self.units = {str(u.pk): u for u in filing_units(actor)}
        self.members = {str(m.pk): m for m in members}
        self.fields["owner"].choices = [
            (_("Branches"), [(f"u{pk}", unit.name) for pk, unit in self.units.items()]),
            (
                _("Party members (personal plans)"),
                [(f"m{pk}", f"{m.name}（{m.unit.name}）") for pk, m in self.members.items()],
            ),
        ]

    def clean(self):
        data = super().clean()
        owner = data.get("owner")
        if self.instance.pk or not owner or not data.get("period"):
            return data
        if owner.startswith("u"):
            unit, member = self.units[owner[1:]], None
        else:
            member = self.members[owner[1:]]
            unit = member.unit
        data["owner_tuple"] = (unit, member, data["period"])
        # Checked against the letter it will join, saved or not.
        self.instance.letter = CommitmentLetter(unit=unit, member=member, period=data["period"])
        return data


class ProgressForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DATE_WIDGET, initial=timezone.localdate)
    text = forms.CharField(
        label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    percent = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    evidence = EvidenceField(label=_("Evidence (photos, PDF, Office documents)"))


class IncompleteForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)


class LetterPublishForm(forms.ModelForm):
    channels = forms.MultipleChoiceField(
        label=_("Published through"),
        choices=Channel.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = CommitmentLetter
        fields = ["signed_on", "published_on", "channels"]
        widgets = {"signed_on": DATE_WIDGET, "published_on": DATE_WIDGET}


class CommitmentFilterForm(forms.Form):
    period = forms.ChoiceField(label=_("Period"), required=False)
    unit = UnitChoiceField(label=_("Unit (and below)"), queryset=None, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("All"))] + Status.choices, required=False)
    category = forms.ChoiceField(
        label=_("Category"), choices=[("", _("All"))] + Category.choices, required=False
    )
    q = forms.CharField(label=_("Search"), required=False)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["period"].choices = period_choices(today)
        self.fields["period"].initial = Period.containing(today).code
        self.fields["unit"].queryset = OrgUnit.objects.visible_to(actor)

    def apply(self, commitments):
        if not self.is_valid():
            return commitments.none()
        data = self.cleaned_data
        commitments = commitments.filter(letter__period=data["period"] or self.fields["period"].initial)
        if data["unit"]:
            commitments = commitments.filter(letter__unit__path__under=data["unit"].path)
        if data["status"]:
            commitments = commitments.filter(status_code=data["status"])
        if data["category"]:
            commitments = commitments.filter(category=data["category"])
        if data["q"]:
            commitments = commitments.filter(
                Q(content__icontains=data["q"]) | Q(letter__member__name=data["q"])
            )
        return commitments


class LedgerExportForm(forms.Form):
    period = _period_field()
    unit = UnitChoiceField(label=_("Organisation unit"), queryset=None)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"] = _period_field()
        self.fields["unit"].queryset = OrgUnit.objects.visible_to(actor)


class PeriodLockForm(forms.Form):
    period = _period_field()
    unit = UnitChoiceField(label=_("Organisation unit"), queryset=None)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"] = _period_field()
        self.fields["unit"].queryset = OrgUnit.objects.writable_by(actor).filter(level="committee")
