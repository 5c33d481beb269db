from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Level, OrgUnit, User
from branches.models import LeadingGroupMember, LiaisonPoint, Member, Position, ResponsibilityKind
from branches.selectors import liaison_leaders

# A unit select renders its whole list up to this many units; beyond (a county office's 500
# branches) it renders the committees and the chosen unit, and is searched on the server.
LISTED_UNITS = 50


class UnitSearchSelect(forms.Select):
    """A select of units whose options never grow with the county: a longer scope renders only
    the committees and the chosen unit, and carries `data-search`, the address where
    static/js/searchable.js fetches a page of matches as the user types (branches:unit_search,
    over the same named scope; the field still refuses a unit outside its own queryset)."""

    def __init__(self, scope: str, attrs=None):
        super().__init__(attrs)
        self.scope = scope

    def get_context(self, name, value, attrs):
        field = self.choices.field
        units = list(field.queryset[: LISTED_UNITS + 1])
        if len(units) > LISTED_UNITS:
            chosen = [pk for pk in self.format_value(value) if pk.isdigit()]
            units = field.queryset.filter(Q(level=Level.COMMITTEE) | Q(pk__in=chosen))[:LISTED_UNITS]
            search = f"{reverse('branches:unit_search')}?{urlencode({'scope': self.scope})}"
            attrs = {**(attrs or {}), "data-search": search}
        iterator, blank = self.choices, [("", field.empty_label)] if field.empty_label is not None else []
        self.choices = blank + [(unit.pk, field.label_from_instance(unit)) for unit in units]
        try:
            return super().get_context(name, value, attrs)
        finally:
            self.choices = iterator


class UnitChoiceField(forms.ModelChoiceField):
    """A unit among the ones of `search`, a scope of OrgUnit's queryset (see UNIT_SCOPES)."""

    def __init__(self, *args, search: str = "visible", **kwargs):
        kwargs.setdefault("widget", UnitSearchSelect(search))
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: OrgUnit) -> str:
        return f"{'　' * obj.depth}{obj.name}（{obj.code}）"


class WritableUnitField(UnitChoiceField):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, search="writable", **kwargs)


class KeptUnitField(UnitChoiceField):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, search="kept", **kwargs)


class BranchField(UnitChoiceField):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, search="branches", **kwargs)


class OrgUnitForm(forms.ModelForm):
    class Meta:
        model = OrgUnit
        fields = ["parent", "code", "name", "level", "kind"]
        field_classes = {"parent": WritableUnitField}

    def __init__(self, *args, actor: User, **kwargs):
        super().__init__(*args, **kwargs)
        parents = OrgUnit.objects.writable_by(actor)
        if self.instance.pk:
            parents = parents.exclude(path__under=self.instance.path)
        self.fields["parent"].queryset = parents
        # Only a superuser may create a top-level unit, outside every office's subtree.
        self.fields["parent"].required = not actor.is_superuser


class MemberForm(forms.ModelForm):
    class Meta:
        model = Member
        fields = ["unit", "name", "gender", "position", "phone", "joined_on", "user"]
        field_classes = {"unit": KeptUnitField}
        widgets = {"joined_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, actor: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = OrgUnit.objects.kept_by(actor)
        accounts = User.objects.visible_to(actor)
        if accounts.exists():
            self.fields["user"].queryset = accounts
            # Picking a login account: the login name tells two namesakes apart.
            self.fields["user"].label_from_instance = lambda account: account.account_label
        else:
            del self.fields["user"]  # only the office links members to login accounts


class MemberFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or phone"), required=False)
    unit = UnitChoiceField(label=_("Unit (and below)"), queryset=None, required=False)
    position = forms.ChoiceField(
        label=_("Position"), choices=[("", _("All"))] + Position.choices, required=False
    )

    def __init__(self, *args, actor: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = OrgUnit.objects.visible_to(actor)

    def apply(self, members):
        if not self.is_valid():
            return members.none()
        data = self.cleaned_data
        if data["q"]:
            members = members.filter(Q(name__icontains=data["q"]) | Q(phone__icontains=data["q"]))
        if data["unit"]:
            members = members.filter(unit__path__under=data["unit"].path)
        if data["position"]:
            members = members.filter(position=data["position"])
        return members


class ResponsibilityForm(forms.Form):
    def __init__(self, *args, actor: User, current: dict[str, Member | None], **kwargs):
        super().__init__(*args, **kwargs)
        people = Member.objects.visible_to(actor).select_related("unit").order_by("unit__path", "name", "pk")
        for kind in ResponsibilityKind:
            self.fields[kind.value] = forms.ModelChoiceField(
                label=kind.label,
                queryset=people,
                required=False,
                initial=current.get(kind.value),
                help_text=_("Leave empty to follow the unit above."),
            )


class LiaisonPointForm(forms.ModelForm):
    class Meta:
        model = LiaisonPoint
        fields = ["leader", "branch", "started_on"]
        field_classes = {"branch": BranchField}
        widgets = {"started_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, actor: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.fields["branch"].queryset = OrgUnit.objects.visible_to(actor).branches()
        self.fields["leader"].queryset = liaison_leaders(actor)
        self.fields["leader"].initial = actor.pk

    def clean(self):
        data = super().clean()
        leader, branch = data.get("leader"), data.get("branch")
        # A leader picks its own points among the branches it reads; the office assigns
        # others' only on the units it manages.
        if leader and branch and leader != self.actor:
            if not OrgUnit.objects.writable_by(self.actor).filter(pk=branch.pk).exists():
                self.add_error("branch", _("You may assign liaison points only on the units you manage."))
        return data


class LeadingGroupSeatForm(forms.ModelForm):
    class Meta:
        model = LeadingGroupMember
        fields = ["post", "name", "title", "user", "order"]

    def __init__(self, *args, actor: User, unit: OrgUnit, **kwargs):
        super().__init__(*args, **kwargs)
        # The accounts the office manages, and those already seated here (a branch's secretary
        # keeps its group without managing any account).
        seated = User.objects.filter(leading_group_seats__unit=unit)
        self.fields["user"].queryset = (
            (User.objects.visible_to(actor) | seated).distinct().order_by("username")
        )
        # Picking a login account: the login name tells two namesakes apart.
        self.fields["user"].label_from_instance = lambda account: account.account_label
        self.fields["order"].widget.attrs.update(min=0, style="max-width: 6rem")
        for field in self.fields.values():
            select = isinstance(field.widget, forms.Select)
            field.widget.attrs.setdefault(
                "class", "form-select form-select-sm" if select else "form-control form-control-sm"
            )


class BaseLeadingGroupFormSet(forms.BaseModelFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove")
            form.fields["DELETE"].widget.attrs["class"] = "form-check-input"


LeadingGroupFormSet = forms.modelformset_factory(
    LeadingGroupMember, form=LeadingGroupSeatForm, formset=BaseLeadingGroupFormSet, extra=2, can_delete=True
)


def leading_group_formset(data, *, unit: OrgUnit, actor: User):
    """The seats of `unit`'s leading group, two blank rows to add more, a box to remove each."""
    return LeadingGroupFormSet(
        data,
        queryset=LeadingGroupMember.objects.filter(unit=unit).select_related("user").order_by("order", "pk"),
        form_kwargs={"actor": actor, "unit": unit},
        prefix="seats",
    )


def seats_to_keep(formset) -> list[LeadingGroupMember]:
    """The seats a valid formset describes: kept and new ones, not those marked for removal
    nor the blank rows left empty."""
    removed = set(map(id, formset.deleted_forms))
    return [
        form.instance
        for form in formset.forms
        if id(form) not in removed and (form.instance.pk or form.has_changed())
    ]
