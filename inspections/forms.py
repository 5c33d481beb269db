from __future__ import annotations

import datetime

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Level, OrgUnit, Role, User
from accounts.scoping import MANAGE_ROLES, subtree_q
from branches.forms import UnitChoiceField
from core.forms import EvidenceField
from inspections.models import (
    STAFF_ROLES,
    Finding,
    FindingCategory,
    Inspection,
    InspectionGroup,
    InspectionKind,
    InspectionStatus,
    Method,
    groups_of,
    inspectable_units,
)

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NOTICE_DAYS = 30  # the default time a branch is given to put a problem right


def managed_townships(user):
    """The committees (镇党委) whose inspection groups `user` keeps: the office's township."""
    return OrgUnit.objects.filter(level=Level.COMMITTEE).filter(subtree_q(user, "path", MANAGE_ROLES))


def accounts_with_role(townships, roles) -> object:
    """Accounts holding one of `roles` on one of `townships` or on a unit above it."""
    paths = {path for township in townships for path in township.ancestor_paths()}
    return (
        User.objects.filter(
            is_active=True, role_assignments__role__in=roles, role_assignments__org_unit__path__in=paths
        )
        .distinct()
        .order_by("full_name", "username")
    )


class AccountChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.account_label


class AccountsChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.account_label


class UnitsChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: OrgUnit) -> str:
        return f"{'　' * obj.depth}{obj.name}（{obj.code}）"


class GroupForm(forms.ModelForm):
    leader = AccountChoiceField(label=_("group leader"), queryset=User.objects.none())
    members = AccountsChoiceField(
        label=_("group members"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Accounts holding the inspector role in the township."),
    )
    units = UnitsChoiceField(
        label=_("units covered"),
        queryset=OrgUnit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 12}),
        help_text=_("A unit covers every branch below it."),
    )

    class Meta:
        model = InspectionGroup
        fields = ["township", "name", "leader", "members", "units", "active"]
        field_classes = {"township": UnitChoiceField}

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        townships = list(managed_townships(actor))
        if self.instance.pk:
            townships = [self.instance.township]
        self.fields["township"].queryset = OrgUnit.objects.filter(pk__in=[t.pk for t in townships])
        if len(townships) == 1:
            self.instance.township = townships[0]
            del self.fields["township"]
        inspectors = accounts_with_role(townships, (Role.INSPECTOR,))
        self.fields["leader"].queryset = inspectors
        self.fields["members"].queryset = inspectors
        units = OrgUnit.objects.none()
        for township in townships:
            units |= OrgUnit.objects.filter(path__under=township.path)  # the township: all of it
        self.fields["units"].queryset = units.order_by("path")


class InspectionFilterForm(forms.Form):
    unit = UnitChoiceField(label=_("Unit (and below)"), queryset=None, required=False)
    group = forms.ModelChoiceField(label=_("inspection group"), queryset=None, required=False)
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All"))] + InspectionStatus.choices, required=False
    )
    kind = forms.ChoiceField(
        label=_("kind of inspection"), choices=[("", _("All"))] + InspectionKind.choices, required=False
    )
    start = forms.DateField(label=_("From"), required=False, widget=DATE_WIDGET)
    end = forms.DateField(label=_("To"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = OrgUnit.objects.visible_to(actor)
        self.fields["group"].queryset = InspectionGroup.objects.visible_to(actor)

    def apply(self, inspections):
        if not self.is_valid():
            return inspections.none()
        data = self.cleaned_data
        if data["unit"]:
            inspections = inspections.filter(unit__path__under=data["unit"].path)
        if data["group"]:
            inspections = inspections.filter(group=data["group"])
        if data["status"]:
            inspections = inspections.filter(status=data["status"])
        if data["kind"]:
            inspections = inspections.filter(kind=data["kind"])
        if data["start"]:
            inspections = inspections.filter(date__gte=data["start"])
        if data["end"]:
            inspections = inspections.filter(date__lte=data["end"])
        return inspections


def recording_groups(user):
    """The groups `user` records inspections for: its own, or every group of the office's township."""
    return InspectionGroup.objects.filter(
        Q(pk__in=groups_of(user).values("pk"))
        | Q(pk__in=InspectionGroup.objects.writable_by(user).values("pk"))
    ).filter(active=True)


class InspectionForm(forms.ModelForm):
    methods = forms.MultipleChoiceField(
        label=_("methods"), choices=Method.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    participants = AccountsChoiceField(
        label=_("participants (accounts)"), queryset=User.objects.none(), required=False
    )
    files = EvidenceField(label=_("Photos and scanned records"))

    class Meta:
        model = Inspection
        fields = ["group", "unit", "date", "kind", "methods", "participants", "other_participants", "summary"]
        field_classes = {"unit": UnitChoiceField}
        widgets = {"date": DATE_WIDGET, "summary": forms.Textarea(attrs={"rows": 10})}

    def __init__(self, *args, actor, plan: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.plan = plan
        groups = recording_groups(actor)
        if self.instance.group_id:
            groups = InspectionGroup.objects.filter(
                Q(pk__in=groups.values("pk")) | Q(pk=self.instance.group_id)
            )
        self.fields["group"].queryset = groups.order_by("township", "name")
        units = inspectable_units(actor)
        self.fields["unit"].queryset = units
        if not self.instance.pk:
            choices = list(units[:2])
            if len(choices) == 1:
                self.initial["unit"] = choices[0].pk
            first = groups.first()
            if first and groups.count() == 1:
                self.initial["group"] = first.pk
        townships = OrgUnit.objects.filter(level=Level.COMMITTEE).filter(pk__in=groups.values("township_id"))
        people = accounts_with_role(list(townships), STAFF_ROLES)
        if self.instance.pk:
            people = User.objects.filter(
                Q(pk__in=people.values("pk")) | Q(pk__in=self.instance.participants.values("pk"))
            ).order_by("full_name", "username")
        self.fields["participants"].queryset = people
        self.fields["participants"].widget.attrs["size"] = 8
        if plan:
            for name in ("kind", "methods", "participants", "other_participants", "summary", "files"):
                self.fields[name].required = False

    def clean(self):
        data = super().clean()
        if self.plan and not data.get("kind"):
            data["kind"] = InspectionKind.REGULAR
        group, unit = data.get("group"), data.get("unit")
        if group and unit and not OrgUnit.objects.writable_by(self.actor).filter(pk=unit.pk).exists():
            covered = group.units.all()
            if not any(unit.path.startswith(covering.path) for covering in covered):
                self.add_error("unit", _("This branch is not covered by the chosen group."))
        return data


class FindingForm(forms.ModelForm):
    files = EvidenceField(label=_("Evidence files"))

    class Meta:
        model = Finding
        fields = ["category", "text", "promote", "needs_rectification"]
        widgets = {"text": forms.Textarea(attrs={"rows": 6}), "category": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = FindingCategory.choices
        self.fields["category"].error_messages["required"] = _("Choose the category of the finding.")
        self.fields["text"].error_messages["required"] = _("Write what was found.")


class NoticeForm(forms.Form):
    """整改通知书: a demand and a deadline for each finding that needs rectification."""

    def __init__(self, *args, findings, today: datetime.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        self.findings = list(findings)
        default = self.today + datetime.timedelta(days=NOTICE_DAYS)
        for finding in self.findings:
            self.fields[f"demand_{finding.pk}"] = forms.CharField(
                label=_("Rectification demand"),
                widget=forms.Textarea(attrs={"rows": 3}),
                max_length=5000,
                error_messages={"required": _("Write the rectification demand.")},
            )
            self.fields[f"deadline_{finding.pk}"] = forms.DateField(
                label=_("Rectification deadline"),
                initial=default,
                widget=DATE_WIDGET,
                error_messages={"required": _("Give the rectification deadline.")},
            )

    def clean(self):
        data = super().clean()
        for finding in self.findings:
            deadline = data.get(f"deadline_{finding.pk}")
            if deadline and deadline < self.today:
                self.add_error(
                    f"deadline_{finding.pk}", _("The deadline cannot be before the day it is issued.")
                )
        return data

    def rows(self):
        return [
            (finding, self[f"demand_{finding.pk}"], self[f"deadline_{finding.pk}"])
            for finding in self.findings
        ]

    def items(self):
        data = self.cleaned_data
        return [(f, data[f"demand_{f.pk}"], data[f"deadline_{f.pk}"]) for f in self.findings]
