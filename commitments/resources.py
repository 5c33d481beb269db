"""Importing a branch's 承诺践诺台账 in the official template, title row and all.

Rows are matched to the ledger's commitments by the hidden record number when the file
was exported from the portal, otherwise by who committed, the category and the text: so
re-importing an exported ledger changes nothing, and an edited cell changes exactly that.
完成情况 is not read back: progress is recorded in the portal with its evidence.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets

from branches.forms import UnitChoiceField
from branches.models import Member
from commitments.forms import _period_field, filing_units
from commitments.ledger import COLUMNS, ID_COLUMN, SUMMARY_COLUMNS
from commitments.models import Category, Commitment
from commitments.services import commitment_save, letter_get_or_create
from core.imports import ChoiceWidget, DateWidget, Ledger, SheetError, TextWidget, register, to_halfwidth
from core.periods import Period


class LedgerOptionsForm(forms.Form):
    """Whose ledger a one-sheet file is; left empty, each sheet's title says so (an exported ledger)."""

    unit = UnitChoiceField(
        label=gettext_lazy("Branch"),
        queryset=None,
        to_field_name="code",
        required=False,
        help_text=gettext_lazy(
            "Leave empty for a ledger exported from the portal, a township's with all its branches "
            "too: each sheet's title names its branch and period."
        ),
    )
    period = forms.CharField(label=gettext_lazy("Period"))

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = filing_units(actor)
        self.fields["period"] = _period_field(required=False)

    def clean_period(self):
        code = self.cleaned_data["period"]
        return Period.parse(code) if code else None

    def clean(self):
        data = super().clean()
        if not data.get("unit"):
            return {}  # each sheet names its own branch and period
        if data.get("period") is None:
            self.add_error("period", forms.Field.default_error_messages["required"])
        return data


# 柳山村第一党支部承诺践诺台账（2026年上半年）, as ledger_title writes it.
TITLE = re.compile(r"^(?P<name>.+?)承诺践诺台账\((?P<year>\d{4})年(?P<half>上半年|下半年|全年)\)$")
HALVES = {"上半年": "H1", "下半年": "H2", "全年": ""}


def _text(value: Any) -> str:
    return "" if value is None else to_halfwidth(str(value)).strip()


def sheet_options(user, head: list[tuple[Any, ...]]) -> dict | None:
    """A branch sheet's unit and period, from its title and the unit code hidden beside it.

    The summary sheet and empty sheets are not the ledger's. A branch outside the user's
    scope reads as unknown, so the message says nothing of whether it exists.
    """
    rows = [[_text(value) for value in row] for row in head]
    if not any(any(row) for row in rows):
        return None
    if any(set(SUMMARY_COLUMNS[1:3]) <= set(row) for row in rows):
        return None
    title = "".join(rows[0]) if rows and ID_COLUMN not in rows[0] else ""
    header = next((row for row in rows if ID_COLUMN in row), None)
    key = ""
    if header is not None and title:
        column = header.index(ID_COLUMN)
        key = rows[0][column] if column < len(rows[0]) else ""
        title = title[: len(title) - len(key)] if key and title.endswith(key) else title
    match = TITLE.match(re.sub(r"\s+", "", title))
    if match is None:
        raise SheetError(
            _(
                "The title row does not name the branch and the period, as in "
                "“柳山村第一党支部承诺践诺台账（2026年上半年）”. Correct it, or import the sheet on "
                "its own with its branch and period chosen."
            )
        )
    name = match["name"]
    try:
        period = Period.parse(match["year"] + HALVES[match["half"]])
    except ValidationError as exc:
        raise SheetError(exc.messages[0]) from None
    units = filing_units(user)
    found = list(units.filter(code=key.upper())[:1] if key else units.filter(name=name)[:2])
    if len(found) != 1:
        raise SheetError(_("“%(name)s” is not a branch whose ledger you may import.") % {"name": name})
    unit = found[0]
    if re.sub(r"\s+", "", _text(unit.name)) != name:
        raise SheetError(
            _("The title names “%(title)s”, but the sheet is the ledger of “%(unit)s”.")
            % {"title": name, "unit": unit.name}
        )
    return {"unit": unit, "period": period}


class OwnerWidget(widgets.Widget):
    """承诺单位/承诺人: the branch's own name, or one of its members (their 具体打算)."""

    def __init__(self, unit, period: Period):
        super().__init__()
        self.unit = unit
        self.period = period
        self.members = {m.name: m for m in Member.objects.filter(unit=unit)}

    def clean(self, value, row=None, **kwargs):
        name = "" if value is None else str(value).strip()
        if name in ("", self.unit.name):
            member = None
        elif name in self.members:
            member = self.members[name]
        else:
            raise ValueError(_("“%(name)s” is neither this branch nor one of its members.") % {"name": name})
        return letter_get_or_create(unit=self.unit, member=member, period=self.period.code)

    def render(self, value, obj=None, **kwargs):
        return value.owner_name if value else ""


class CommitmentResource(resources.ModelResource):
    letter = fields.Field("letter", "承诺单位/承诺人")
    category = fields.Field("category", "承诺类别", widget=ChoiceWidget(Category.choices))
    content = fields.Field("content", "承诺事项", widget=TextWidget())
    measures = fields.Field("measures", "践诺措施", widget=TextWidget())
    deadline = fields.Field("deadline", "完成时限", widget=DateWidget())
    note = fields.Field("note", "备注", widget=TextWidget())
    record = fields.Field(column_name=ID_COLUMN, readonly=True)

    class Meta:
        model = Commitment
        fields = ("letter", "category", "content", "measures", "deadline", "note", "record")
        import_id_fields = ()
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def __init__(self, user, *, unit, period: Period):
        super().__init__()
        self.user = user
        self.unit = unit
        self.period = period
        self.fields["letter"].widget = OwnerWidget(unit, period)

    def get_queryset(self):
        return Commitment.objects.writable_by(self.user).filter(
            letter__unit=self.unit, letter__period=self.period.code
        )

    def get_instance(self, instance_loader, row):
        record = row.get(ID_COLUMN)
        if isinstance(record, float) and record.is_integer():
            record = int(record)  # a number as another spreadsheet program saved it
        record = to_halfwidth(str(record or "")).strip()
        if record:
            found = self.get_queryset().filter(pk=record).first() if record.isdigit() else None
            if found is None:
                raise ValidationError(
                    {"record": _("Record number %(number)s is not in this ledger.") % {"number": record}}
                )
            return found
        try:
            letter = self.fields["letter"].clean(row)
            category = self.fields["category"].clean(row)
            content = self.fields["content"].clean(row)
        except ValueError:
            return None  # reported with its column when the row's fields are read
        return self.get_queryset().filter(letter=letter, category=category, content=content).first()

    def do_instance_save(self, instance, is_create):
        # The same service as the form: amendments after the period's lock are flagged alike.
        commitment_save(actor=self.user, commitment=instance)


def _resource(user, *, unit, period):
    return CommitmentResource(user, unit=unit, period=period)


register(
    Ledger(
        kind="commitments",
        label=gettext_lazy("Commitment ledger"),
        columns=tuple(COLUMNS),
        key_columns=("承诺单位/承诺人", "承诺类别", "承诺事项"),
        example=(
            1,
            "柳山村第一党支部",
            "服务承诺",
            "为村里孤寡老人每月上门服务一次",
            "党员结对、每月走访",
            "2026-06-30",
            "",
            "",
        ),
        resource=_resource,
        may_import=lambda user: filing_units(user).exists(),
        done_url="commitments:list",
        optional_columns=(ID_COLUMN,),
        title_rows=True,
        options_form=LedgerOptionsForm,
        sheet_options=sheet_options,
    )
)
