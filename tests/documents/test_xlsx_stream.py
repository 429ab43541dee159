"""documents.xlsx_stream: the streamed sheet reads back in openpyxl with the same values,
types, number formats, fonts, widths and frozen panes the report tables ask for, and text
is never a formula."""

from __future__ import annotations

import io
import zipfile

import openpyxl

from documents import xlsx_stream


def _book(content: bytes):
    return openpyxl.load_workbook(io.BytesIO(content))


def test_values_types_and_styles_read_back():
    sheet = xlsx_stream.SheetStream("报表/一", widths=[20, 34, 14], freeze=(2, 3))
    sheet.append(["标题"], style="title")
    sheet.append([])
    sheet.append(["代码", "名称", "持证率"], style="header")
    sheet.append_numbers(["91001", "某公司", 0.75], styles=[0, 0, xlsx_stream.STYLES["percent"]])
    sheet.append_numbers(["91002", "  空格  ", None], styles=[0, 0, 1])
    sheet.append_numbers([None, "合计", 12], styles=[2, 2, 2])
    sheet.append([True, 3, 2.5], styles=[None, "bold", "bold_percent"])
    content = sheet.to_bytes()
    assert zipfile.ZipFile(io.BytesIO(content)).namelist()[0] == "[Content_Types].xml"
    book = _book(content)
    ws = book.active
    assert ws.title == "报表 一"
    assert ws.freeze_panes == "C4"
    assert ws.column_dimensions["B"].width == 34
    assert ws["A1"].value == "标题" and ws["A1"].font.b and ws["A1"].font.sz == 14
    assert ws["A2"].value is None
    assert ws["C3"].alignment.wrap_text and ws["C3"].font.b
    assert (ws["A4"].value, ws["A4"].data_type) == ("91001", "s")
    assert ws["C4"].value == 0.75 and ws["C4"].number_format == "0.00%"
    assert ws["B5"].value == "  空格  " and ws["C5"].value is None
    assert ws["A6"].value is None and ws["C6"].value == 12 and ws["C6"].font.b
    assert ws["A7"].value is True
    assert ws["C7"].number_format == "0.00%" and ws["C7"].font.b
    assert ws.max_row == 7


def test_text_is_never_a_formula_and_unwritable_characters_are_dropped():
    sheet = xlsx_stream.SheetStream("t")
    risky = ['=HYPERLINK("http://x","点我")', "+1", "-5", "@SUM(A1)", "a<b>&c", "bell\x07"]
    sheet.append(risky)
    ws = _book(sheet.to_bytes()).active
    values = [c.value for c in ws[1]]
    assert values == [*risky[:5], "bell"]
    assert all(c.data_type == "s" for c in ws[1])


def test_a_big_table_streams_in_batches():
    sheet = xlsx_stream.SheetStream("big")
    rows = xlsx_stream.FLUSH_ROWS * 2 + 7
    for n in range(rows):
        sheet.append_numbers([f"E{n}", n, n / 7], styles=[0, 0, 1])
    ws = _book(sheet.to_bytes()).active
    assert ws.max_row == rows
    assert [c.value for c in ws[rows]] == [f"E{rows - 1}", rows - 1, (rows - 1) / 7]
