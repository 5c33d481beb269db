from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Level, OrgUnit
from branches.forms import UnitChoiceField
from core.forms import EvidenceField
from reports.models import Category, Report, ReportStatus

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONTH_WIDGET = forms.TextInput(attrs={"type": "month"})
MONTH = r"^\d{4}-\d{2}$"  # what a browser's month picker sends


def reporting_branches(user):
    """Branches for which `user` writes reports."""
    return OrgUnit.objects.kept_by(user).filter(level=Level.BRANCH)


class ReportForm(forms.ModelForm):
    files = EvidenceField(label=_("Photos and files"))

    class Meta:
        model = Report
        fields = ["unit", "title", "authors", "category", "urgent", "body"]
        field_classes = {"unit": UnitChoiceField}
        widgets = {"body": forms.Textarea(attrs={"rows": 14})}

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = reporting_branches(actor)
        units = list(self.fields["unit"].queryset[:2])
        if len(units) == 1 and not self.instance.unit_id:
            self.initial["unit"] = units[0].pk  # a secretary writes for its own branch
        if not self.instance.pk and not self.instance.authors and actor.full_name:
            # In `initial`: the blank instance's own value would win over the field's.
            self.initial["authors"] = actor.full_name


class ReportFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    unit = UnitChoiceField(label=_("Unit (and below)"), queryset=None, required=False)
    category = forms.ChoiceField(
        label=pgettext_lazy("report", "Category"), choices=[("", _("All"))] + Category.choices, required=False
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All"))] + ReportStatus.choices, required=False
    )
    start = forms.DateField(label=_("From"), required=False, widget=DATE_WIDGET)
    end = forms.DateField(label=_("To"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = OrgUnit.objects.visible_to(actor)

    def apply(self, reports):
        if not self.is_valid():
            return reports.none()
        data = self.cleaned_data
        if data["q"]:
            reports = reports.filter(
                Q(title__icontains=data["q"]) | Q(body__icontains=data["q"]) | Q(authors__icontains=data["q"])
            )
        if data["unit"]:
            reports = reports.filter(unit__path__under=data["unit"].path)
        if data["category"]:
            reports = reports.filter(category=data["category"])
        if data["status"]:
            reports = reports.filter(status=data["status"])
        if data["start"]:
            reports = reports.filter(slot__gte=data["start"])
        if data["end"]:
            reports = reports.filter(slot__lte=data["end"])
        return reports


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("adopt", _("Adopt")), ("return", _("Return"))])
    note = forms.CharField(
        label=_("Where it was used, or why it is returned"), required=False, max_length=1000
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "return" and not data.get("note", "").strip():
            raise forms.ValidationError(_("Say why the report is returned."))
        return data


class MonthsForm(forms.Form):
    months = forms.RegexField(
        label=_("Months"),
        regex=r"^\d{4}-\d{1,2}(:\d{4}-\d{1,2})?$",
        required=False,
        help_text=_("2026-11, or a range such as 2026-01:2026-11"),
    )
    start = forms.RegexField(label=_("From month"), regex=MONTH, required=False, widget=MONTH_WIDGET)
    end = forms.RegexField(label=_("To month"), regex=MONTH, required=False, widget=MONTH_WIDGET)
    unit = UnitChoiceField(label=_("Unit (and below)"), queryset=None, required=False)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = OrgUnit.objects.visible_to(actor)

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start or end:  # the pickers; `months` ("2026-01:2026-11") still serves older links
            data["months"] = f"{start or end}:{end or start}"
        return data
