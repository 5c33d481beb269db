"""Roster imports (组织 and 党员): the onboarding of a township from its Excel files.

Column headings are the file format, as township staff keep it, so they are written
here in Chinese rather than translated.
"""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources

from accounts.models import Kind, Level, OrgUnit, normalise_code
from branches.models import Gender, Member, Position
from branches.services import members_create, unit_save
from core.imports import (
    ChoiceWidget,
    CodeWidget,
    DateWidget,
    Ledger,
    ScopedForeignKeyWidget,
    TextWidget,
    register,
)


def _unknown_unit() -> str:
    return _("No unit with code “%(value)s” in your organisation.")


class UnitCodeWidget(CodeWidget):
    def clean(self, value, row=None, **kwargs):
        return normalise_code(super().clean(value, row, **kwargs))


class UnitWidget(ScopedForeignKeyWidget):
    """A unit by its code, among the units the importing user may write; "ls01" is LS01."""

    def __init__(self, queryset):
        super().__init__(queryset, "code", _unknown_unit())

    def clean(self, value, row=None, **kwargs):
        return super().clean(None if value is None else normalise_code(str(value)), row, **kwargs)


class OrgUnitResource(resources.ModelResource):
    code = fields.Field("code", "组织编码", widget=UnitCodeWidget())
    name = fields.Field("name", "组织名称", widget=TextWidget())
    parent = fields.Field("parent", "上级组织编码")
    level = fields.Field("level", "层级", widget=ChoiceWidget(Level.choices))
    kind = fields.Field("kind", "类型", widget=ChoiceWidget(Kind.choices, blank=True))

    class Meta:
        model = OrgUnit
        fields = ("id", "code", "name", "parent", "level", "kind")
        clean_model_instances = True

    def __init__(self, user):
        super().__init__()
        self.user = user
        self.fields["parent"].widget = UnitWidget(OrgUnit.objects.writable_by(user))

    def do_instance_save(self, instance, is_create):
        unit_save(unit=instance)  # as the form: a changed parent moves the unit's subtree along

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        if instance.parent_id is None and "parent" not in errors and not self.user.is_superuser:
            errors["parent"] = ValidationError(_("Enter the code of the unit above this one."))
        super().validate_instance(instance, errors, validate_unique)


class MemberResource(resources.ModelResource):
    name = fields.Field("name", "姓名", widget=TextWidget())
    gender = fields.Field("gender", "性别", widget=ChoiceWidget(Gender.choices, blank=True))
    unit = fields.Field("unit", "所在组织编码")
    position = fields.Field("position", "职务", widget=ChoiceWidget(Position.choices))
    phone = fields.Field("phone", "联系电话", widget=CodeWidget())
    joined_on = fields.Field("joined_on", "入党日期", widget=DateWidget())

    class Meta:
        model = Member
        fields = ("id", "name", "gender", "unit", "position", "phone", "joined_on")
        clean_model_instances = True
        # A county roster is 15,000 rows: insert in batches, check constraints in memory.
        use_bulk = True
        batch_size = 1000
        skip_diff = True

    def __init__(self, user):
        super().__init__()
        self.user = user
        self.units = OrgUnit.objects.kept_by(user)
        self.fields["unit"].widget = UnitWidget(self.units)
        self.names_taken: set[tuple[int, str]] = set()
        self.units_with_secretary: set[int] = set()

    def before_import(self, dataset, **kwargs):
        members = Member.objects.filter(unit__in=self.units)
        self.names_taken = set(members.values_list("unit_id", "name"))
        self.units_with_secretary = set(
            members.filter(position=Position.SECRETARY).values_list("unit_id", flat=True)
        )

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """Field checks per row; Member's two unique constraints against sets loaded once."""
        errors = dict(import_validation_errors or {})
        try:
            # `unit` came from the scoped widget: no need to query for it again.
            instance.full_clean(exclude=[*errors, "unit"], validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if instance.unit_id is None and "unit" not in errors:
            errors["unit"] = [Member._meta.get_field("unit").error_messages["blank"]]
        clashes = []
        if instance.unit_id and instance.name:
            key = (instance.unit_id, instance.name)
            if key in self.names_taken:
                clashes.append(_constraint_message("unique_member_name_per_unit"))
            self.names_taken.add(key)
        if instance.unit_id and instance.position == Position.SECRETARY:
            if instance.unit_id in self.units_with_secretary:
                clashes.append(_constraint_message("one_secretary_per_unit"))
            self.units_with_secretary.add(instance.unit_id)
        if clashes:
            errors.setdefault(NON_FIELD_ERRORS, []).extend(clashes)
        if errors:
            raise ValidationError(errors)

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        # import-export's bulk path skips django-simple-history's signals: write history too.
        if self.create_instances and (using_transactions or not dry_run):
            try:
                members_create(actor=self.user, members=self.create_instances, batch_size=batch_size)
            except Exception as exc:  # reported as a file-level error; the transaction rolls back
                self.handle_import_error(result, exc, raise_errors)
            finally:
                self.create_instances.clear()


def _constraint_message(name: str) -> str:
    constraint = next(c for c in Member._meta.constraints if c.name == name)
    return constraint.get_violation_error_message()


def _columns(resource_class) -> tuple[str, ...]:
    return tuple(
        resource_class.fields[name].column_name for name in resource_class._meta.fields if name != "id"
    )


register(
    Ledger(
        kind="units",
        label=gettext_lazy("Organisation units"),
        columns=_columns(OrgUnitResource),
        key_columns=("组织编码",),
        example=("LS09", "柳山镇示例村党支部", "LS", "党支部", "农村"),
        resource=OrgUnitResource,
        may_import=lambda user: OrgUnit.objects.writable_by(user).exists(),
        done_url="branches:tree",
    )
)
register(
    Ledger(
        kind="members",
        label=gettext_lazy("Party members"),
        columns=_columns(MemberResource),
        key_columns=("所在组织编码", "姓名"),
        example=("张三", "男", "LS0101", "党员", "13800000000", "2015-07-01"),
        resource=MemberResource,
        may_import=lambda user: OrgUnit.objects.kept_by(user).exists(),
        done_url="branches:member_list",
    )
)
