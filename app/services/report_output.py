"""Writing a report (or a drill-down) as a text table, JSON, CSV, XLSX or PDF.

Conventions (docs/DECISIONS.md "Reports"):

* JSON follows INTERFACES ("report NAME --format json"): ``{"report", "from", "to", "rows",
  "totals"}``; rows are keyed by column key; shares are fractions 0..1, durations seconds, money a
  number with two decimals, times ISO 8601 with the zone's offset.
* CSV follows app/services/export.py (UTF-8 with BOM, ``;``, a header of column keys, local times
  ``YYYY-MM-DD HH:MM:SS``); being for Russian Excel, fractional numbers use the decimal comma.
  The totals come last, in a row whose first column says "Total".
* XLSX: the title and period on top, a bold header of column titles, real numbers with number
  formats (shares as %, money with two decimals), the totals row in bold.
* PDF: A4 (landscape past six columns) with the title, period, generation time, the table with
  its header repeated on every page, and the totals in bold; DejaVu Sans (bundled in app/fonts)
  so Cyrillic renders.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Mapping, Sequence
from datetime import date, datetime, tzinfo
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from app.services.export import CSV_DELIMITER, CSV_TIME_FORMAT, local_zone
from app.services.reports import ColumnType, ReportColumn, ReportFormat, ReportResult

FONTS = Path(__file__).resolve().parent.parent / "fonts"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _local(value: datetime, zone: tzinfo | None) -> datetime:
    return value.astimezone(zone or local_zone())


def period_text(result: ReportResult) -> str:
    """"2026-01-01 – 2026-01-31", or the open ends in words."""
    start = result.date_from.isoformat() if result.date_from else "the beginning"
    end = result.date_to.isoformat() if result.date_to else "today"
    return f"{start} – {end}"


def format_seconds(value: float) -> str:
    """A duration for people: ``45 s``, ``12 min 05 s``, ``3 h 07 min``, ``2 d 04 h``."""
    seconds = round(value)
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {minutes:02d} min"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours:02d} h"


def display(value: Any, column: ReportColumn, zone: tzinfo | None = None) -> str:
    """A value as text for the table and PDF formats."""
    if value is None:
        return ""
    kind = column.type
    if kind is ColumnType.PERCENT:
        return f"{float(value) * 100:.1f}%"
    if kind is ColumnType.SECONDS:
        return format_seconds(float(value))
    if kind is ColumnType.MONEY:
        return f"{Decimal(value):,.2f}".replace(",", " ")
    if kind is ColumnType.INT:
        return f"{int(value):,}".replace(",", " ")
    if isinstance(value, datetime):
        return _local(value, zone).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def json_value(value: Any, column: ReportColumn | None, zone: tzinfo | None = None) -> Any:
    """A value as JSON wants it (see the module docstring)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return _local(value, zone).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(round(value, 2))
    if isinstance(value, float):
        if math.isnan(value):
            return None
        kind = column.type if column is not None else None
        return round(value, 4) if kind is ColumnType.PERCENT else round(value, 3)
    return value


def _document(result: ReportResult, zone: tzinfo | None) -> dict[str, Any]:
    def record(row: Mapping[str, Any], skip_empty: bool = False) -> dict[str, Any]:
        return {
            column.key: json_value(row.get(column.key), column, zone)
            for column in result.columns
            if not skip_empty or row.get(column.key) is not None
        }

    return {
        "report": result.name.value,
        "title": result.title,
        "from": result.date_from.isoformat() if result.date_from else None,
        "to": result.date_to.isoformat() if result.date_to else None,
        "columns": [{"key": c.key, "title": c.title, "type": c.type.value} for c in result.columns],
        "rows": [record(row) for row in result.rows],
        "totals": record(result.totals, skip_empty=True) if result.totals else {},
    }


def write_json(result: ReportResult, stream: IO[bytes], zone: tzinfo | None = None) -> None:
    """One JSON document (INTERFACES shape plus ``title`` and ``columns``)."""
    text = json.dumps(_document(result, zone), ensure_ascii=False, indent=2) + "\n"
    stream.write(text.encode("utf-8"))


def _csv_value(value: Any, column: ReportColumn, zone: tzinfo | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return _local(value, zone).strftime(CSV_TIME_FORMAT)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, Decimal):
        return f"{value:.2f}".replace(".", ",")
    if isinstance(value, float):
        digits = 4 if column.type is ColumnType.PERCENT else 1
        return f"{value:.{digits}f}".replace(".", ",")
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if text.startswith(_FORMULA_STARTS):
        return "'" + text  # CSV injection: stays text in Excel
    return text


def write_csv(result: ReportResult, stream: IO[bytes], zone: tzinfo | None = None) -> None:
    """CSV for Russian Excel: header of column keys, the rows, then the totals row."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="", write_through=True)
    try:
        writer = csv.writer(text, delimiter=CSV_DELIMITER, lineterminator="\r\n")
        writer.writerow([c.key for c in result.columns])
        for row in result.rows:
            writer.writerow([_csv_value(row.get(c.key), c, zone) for c in result.columns])
        if result.totals:
            writer.writerow(_totals_cells(result, lambda v, c: _csv_value(v, c, zone)))
        text.flush()
    finally:
        text.detach()


def _totals_cells(result: ReportResult, render: Any) -> list[Any]:
    cells: list[Any] = []
    labelled = False
    for column in result.columns:
        value = result.totals.get(column.key)
        if not labelled and column.type in (ColumnType.TEXT, ColumnType.LIGHT) and not value:
            cells.append("Total")
            labelled = True
            continue
        if not labelled and column.type in (ColumnType.TEXT, ColumnType.LIGHT):
            labelled = True
        cells.append(render(value, column))
    return cells


_XLSX_FORMATS = {
    ColumnType.PERCENT: "0.0%",
    ColumnType.MONEY: "#,##0.00",
    ColumnType.INT: "#,##0",
    ColumnType.SECONDS: "#,##0",
    ColumnType.DATETIME: "yyyy-mm-dd hh:mm",
    ColumnType.DATE: "yyyy-mm-dd",
}


def _xlsx_value(value: Any, column: ReportColumn, zone: tzinfo | None) -> Any:
    if value is None:
        return None
    if isinstance(value, datetime):
        return _local(value, zone).replace(tzinfo=None)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


def write_xlsx(result: ReportResult, stream: IO[bytes], zone: tzinfo | None = None) -> None:
    """An XLSX workbook with one sheet (see the module docstring for the layout)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = result.name.value[:31]
    bold = Font(bold=True)
    sheet.cell(row=1, column=1, value=result.title).font = Font(bold=True, size=14)
    sheet.cell(row=2, column=1, value=f"Period: {period_text(result)}")
    header_row = 4
    for index, column in enumerate(result.columns, start=1):
        cell = sheet.cell(row=header_row, column=index, value=column.title)
        cell.font = bold
        width = max(len(column.title) + 2, 12 if column.type is not ColumnType.TEXT else 18)
        sheet.column_dimensions[get_column_letter(index)].width = min(width, 40)
    row_index = header_row
    for row in result.rows:
        row_index += 1
        for index, column in enumerate(result.columns, start=1):
            _put(sheet, row_index, index, _xlsx_value(row.get(column.key), column, zone), column)
    if result.totals:
        row_index += 1
        cells = _totals_cells(result, lambda v, c: _xlsx_value(v, c, zone))
        for index, (column, value) in enumerate(zip(result.columns, cells, strict=True), start=1):
            _put(sheet, row_index, index, value, column).font = bold
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    if result.rows:
        last = get_column_letter(len(result.columns))
        sheet.auto_filter.ref = f"A{header_row}:{last}{header_row + len(result.rows)}"
    workbook.save(stream)


def _put(sheet: Any, row: int, column_index: int, value: Any, column: ReportColumn) -> Any:
    cell = sheet.cell(row=row, column=column_index)
    if isinstance(value, str) and value.startswith("="):
        cell.value = value
        cell.data_type = "s"  # a name from a web form is never a formula
    else:
        cell.value = value
    number_format = _XLSX_FORMATS.get(column.type)
    if number_format and not isinstance(value, str):
        cell.number_format = number_format
    return cell


def render_table(result: ReportResult, zone: tzinfo | None = None) -> str:
    """The report as an aligned text table with its title, period and totals (the CLI's default)."""
    headers = [c.title for c in result.columns]
    body = [[display(row.get(c.key), c, zone) for c in result.columns] for row in result.rows]
    totals = (
        [_totals_cells(result, lambda v, c: display(v, c, zone))] if result.totals else []
    )
    widths = [len(h) for h in headers]
    for cells in body + totals:
        for i, value in enumerate(cells):
            widths[i] = max(widths[i], len(value))
    numeric = [c.type not in (ColumnType.TEXT, ColumnType.LIGHT, ColumnType.DATETIME, ColumnType.DATE)
               for c in result.columns]

    def line(cells: Sequence[str]) -> str:
        parts = [v.rjust(widths[i]) if numeric[i] else v.ljust(widths[i]) for i, v in enumerate(cells)]
        return "  ".join(parts).rstrip()

    lines = [f"{result.title}, {period_text(result)}", "", line(headers)]
    lines.append("  ".join("-" * w for w in widths))
    lines += [line(cells) for cells in body]
    if totals:
        lines.append("  ".join("-" * w for w in widths))
        lines.append(line(totals[0]))
    if not result.rows:
        lines.append("(no data)")
    if result.truncated:
        lines.append(f"(the first {len(result.rows)} rows)")
    return "\n".join(lines) + "\n"


def write_table(result: ReportResult, stream: IO[bytes], zone: tzinfo | None = None) -> None:
    """The text table, UTF-8."""
    stream.write(render_table(result, zone).encode("utf-8"))


def write_pdf(result: ReportResult, stream: IO[bytes], zone: tzinfo | None = None) -> None:
    """An A4 PDF with the title, period, the table and the totals (DejaVu Sans for Cyrillic)."""
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    landscape = len(result.columns) > 6
    pdf = FPDF(orientation="L" if landscape else "P", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.set_margins(10, 10, 10)
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_title(result.title)
    pdf.set_creator("Inflow")
    pdf.alias_nb_pages()
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 14)
    pdf.cell(0, 8, result.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 9)
    generated = datetime.now(zone or local_zone()).strftime("%Y-%m-%d %H:%M")
    pdf.cell(0, 6, f"Period: {period_text(result)}    Generated: {generated}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    font_size = 8 if len(result.columns) <= 8 else 7
    pdf.set_font("DejaVu", "", font_size)
    texts = [[display(row.get(c.key), c, zone) for c in result.columns] for row in result.rows]
    totals = [_totals_cells(result, lambda v, c: display(v, c, zone))] if result.totals else []
    widths = _pdf_widths(pdf, result.columns, texts + totals)
    align = [
        "LEFT" if c.type in (ColumnType.TEXT, ColumnType.LIGHT, ColumnType.DATETIME, ColumnType.DATE)
        else "RIGHT"
        for c in result.columns
    ]
    bold = FontFace(emphasis="BOLD")
    with pdf.table(
        width=sum(widths),
        align="LEFT",
        col_widths=widths,
        text_align=tuple(align),
        headings_style=FontFace(emphasis="BOLD", fill_color=(225, 225, 225)),
        line_height=font_size * 0.55,
        repeat_headings=1,
        first_row_as_headings=True,
    ) as table:
        heading = table.row()
        for column in result.columns:
            heading.cell(column.title)
        for cells in texts:
            row = table.row()
            for value in cells:
                row.cell(value)
        for cells in totals:
            row = table.row()
            for value in cells:
                row.cell(value, style=bold)
    if not result.rows:
        pdf.cell(0, 6, "(no data)", new_x="LMARGIN", new_y="NEXT")
    if result.truncated:
        pdf.cell(0, 6, f"(the first {len(result.rows)} rows)", new_x="LMARGIN", new_y="NEXT")
    stream.write(bytes(pdf.output()))


def _pdf_widths(pdf: Any, columns: Sequence[ReportColumn], rows: list[list[str]]) -> tuple[float, ...]:
    # Each column as wide as its longest text (sampled), scaled to the page width.
    sample = rows[:200] + rows[-5:]
    natural = []
    for i, column in enumerate(columns):
        longest = max([pdf.get_string_width(column.title)] + [pdf.get_string_width(r[i]) for r in sample])
        natural.append(min(max(longest + 3, 12), 70))
    available = pdf.epw
    total = sum(natural)
    scale = available / total if total > available else 1.0
    return tuple(w * scale for w in natural)


WRITERS = {
    ReportFormat.TABLE: write_table,
    ReportFormat.JSON: write_json,
    ReportFormat.CSV: write_csv,
    ReportFormat.XLSX: write_xlsx,
    ReportFormat.PDF: write_pdf,
}


def write(result: ReportResult, fmt: ReportFormat, stream: IO[bytes], zone: tzinfo | None = None) -> None:
    """Write ``result`` in ``fmt`` to a binary stream."""
    WRITERS[fmt](result, stream, zone)
