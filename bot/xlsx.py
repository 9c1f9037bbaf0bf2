"""The XLSX writer of `register export`: one sheet in openpyxl's write-only mode, which
streams rows to a temporary file instead of holding every cell.

Its own module so that openpyxl is imported only when a spreadsheet is made, never when the
bot starts (bot/export.py imports this lazily).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import suppress
from datetime import datetime
from decimal import Decimal
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from bot.cells import as_utc, is_formula_like
from bot.registers import Column, ColumnType, Value

XLSX_FORMATS = {
    ColumnType.DATE: "yyyy-mm-dd",
    ColumnType.DATETIME: "yyyy-mm-dd hh:mm:ss",
    ColumnType.MONEY: '"£"#,##0.00',
}


def _xlsx_cell(ws: Any, column_type: ColumnType, value: Value) -> WriteOnlyCell:
    if column_type is ColumnType.MONEY and value is not None:
        assert isinstance(value, int)
        value = Decimal(value) / 100
    elif column_type is ColumnType.DATETIME and isinstance(value, datetime):
        value = as_utc(value).replace(tzinfo=None)  # Excel has no time zones: the UTC time
    elif column_type is ColumnType.TEXT and value is not None:
        value = ILLEGAL_CHARACTERS_RE.sub("", str(value))  # control characters break XLSX
    cell = WriteOnlyCell(ws, value=value)
    if column_type in XLSX_FORMATS:
        cell.number_format = XLSX_FORMATS[column_type]
    if column_type is ColumnType.TEXT and isinstance(value, str):
        # Always a string cell (openpyxl would make "=..." a formula); the quote prefix keeps
        # it text if someone edits the cell, and the text itself stays exactly as typed.
        cell.data_type = "s"
        if is_formula_like(value):
            cell.quotePrefix = True
    return cell


def write_xlsx(
    stream: IO[bytes], columns: Sequence[Column[Any]], records: Iterable[Any], *, title: str
) -> int:
    """Write one sheet: bold frozen header, typed cells, auto-filter. Return the row count."""
    wb = Workbook(write_only=True)  # streams rows to disk instead of holding every cell
    ws = wb.create_sheet(title[:31])
    ws.freeze_panes = "A2"
    for index, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(ws, value=column.name)
        cell.font = bold
        header.append(cell)
    ws.append(header)
    rows = 0
    try:
        for record in records:
            ws.append([_xlsx_cell(ws, c.type, c.get(record)) for c in columns])
            rows += 1
    except BaseException:
        with suppress(Exception):
            ws.close()  # end openpyxl's row stream now, not at garbage collection
        raise
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{rows + 1}"
    wb.save(stream)
    return rows
