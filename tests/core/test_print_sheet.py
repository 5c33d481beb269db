"""core.xlsx's print style of the ledgers, read back with openpyxl without any app's data."""

from __future__ import annotations

import io

import openpyxl

from core.xlsx import (
    CENTRED,
    HEADER_ROWS,
    TEXT,
    append_print_row,
    print_row_cells,
    print_workbook,
    start_print_sheet,
    styled_cell,
)

COLUMNS, WIDTHS = ["序号", "名称", "说明"], [6, 12, 20]


def _write(rows, *, name="柳山村第一党支部", hidden_column=None, key="") -> openpyxl.Workbook:
    workbook = print_workbook()
    sheet = start_print_sheet(
        workbook, name, "测试台账", COLUMNS, WIDTHS, hidden_column=hidden_column, key=key
    )
    cells, dimension = print_row_cells(sheet, [CENTRED, TEXT, TEXT] + ([CENTRED] if hidden_column else []))
    for number, values in enumerate(rows, start=1):
        append_print_row(sheet, cells, dimension, [number, *values], HEADER_ROWS + number, WIDTHS)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return openpyxl.load_workbook(buffer)


def test_a_print_sheet_is_an_a4_landscape_form_with_its_title_and_header():
    sheet = _write([["甲", "短"], ["乙", "很长的说明" * 10]]).worksheets[0]
    assert sheet.title == "柳山村第一党支部"
    assert sheet["A1"].value == "测试台账" and sheet["A1"].font.b and sheet["A1"].font.sz == 16
    assert [str(r) for r in sheet.merged_cells.ranges] == ["A1:C1"]
    assert [c.value for c in sheet[2]] == COLUMNS and all(c.font.b for c in sheet[2])
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9
    assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$2:$2" and sheet.freeze_panes == "A3"
    assert [sheet.column_dimensions[c].width for c in "ABC"] == WIDTHS
    assert list(sheet.iter_rows(min_row=3, values_only=True)) == [
        (1, "甲", "短"),
        (2, "乙", "很长的说明" * 10),
    ]
    assert sheet["A3"].alignment.horizontal == "center" and sheet["C3"].alignment.wrap_text
    assert sheet.row_dimensions[4].height > sheet.row_dimensions[3].height  # as high as its text


def test_the_hidden_column_carries_the_key_and_is_not_printed():
    sheet = _write([["甲", "说明", 42]], hidden_column="记录编号", key="LS0101").worksheets[0]
    assert sheet.column_dimensions["D"].hidden and "$C$" in sheet.print_area
    assert sheet["D1"].value == "LS0101" and sheet["D2"].value == "记录编号" and sheet["D3"].value == 42
    assert [str(r) for r in sheet.merged_cells.ranges] == ["A1:C1"]


def test_formula_like_text_stays_text_even_in_reused_cells():
    sheet = _write([["=SUM(A1)", "@cmd"], ["普通", "文字"]]).worksheets[0]
    assert sheet["B3"].value == "=SUM(A1)" and sheet["B3"].data_type == "s" and sheet["B3"].quotePrefix
    assert sheet["C3"].quotePrefix
    assert not sheet["B4"].quotePrefix and sheet["B4"].value == "普通"


def test_sheet_names_are_cleaned_and_unique():
    workbook = print_workbook()
    names = [start_print_sheet(workbook, "a/b:c", "t", COLUMNS, WIDTHS).title for _ in range(2)]
    assert names == ["a_b_c", "a_b_c(2)"]
    assert styled_cell(workbook.worksheets[0], "x").style == TEXT
    workbook.save(io.BytesIO())  # a write-only workbook left unsaved warns as it is collected
