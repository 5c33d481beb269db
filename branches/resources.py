"""Roster imports (组织 and 党员): the onboarding of a township from its Excel files.

Column headings are the file format, as township staff keep it, so they are written
here in Chinese rather than translated.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources

from accounts.models import Role
from branches.models import Gender, Kind, Level, Member, OrgUnit, Position
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


class OrgUnitResource(resources.ModelResource):
    code = fields.Field("code", "组织编码", widget=CodeWidget())
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
        self.fields["parent"].widget = ScopedForeignKeyWidget(
            OrgUnit.objects.writable_by(user), "code", _unknown_unit()
        )

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

    def __init__(self, user):
        super().__init__()
        self.fields["unit"].widget = ScopedForeignKeyWidget(
            OrgUnit.objects.taking_members_from(user), "code", _unknown_unit()
        )


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
        may_import=lambda user: user.has_role(Role.OFFICE),
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
        may_import=lambda user: user.has_role(Role.OFFICE, Role.SECRETARY),
        done_url="branches:member_list",
    )
)
