"""The workbooks handed to clerks besides the export: the blank template and the problem list."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from committees.ledger import columns as c
from committees.ledger.problems import Problem, capped_note
from committees.ledger.reading import max_rows
from core import excel

ERROR_HEADERS = ("工作表", "行号", "列", "单元格内容", "问题")
ERROR_WIDTHS = (10, 8, 16, 24, 70)

TEMPLATE_EXAMPLES: dict[str, tuple[Any, ...]] = {
    c.SHEET_UNITS: ("区教育局", dt.date(2001, 3, 1), None, "是", dt.date(2005, 6, 18), None),
    c.SHEET_TERMS: ("区教育局", 3, dt.date(2015, 6, 18), dt.date(2020, 6, 17)),
    c.SHEET_VACANCIES: ("区教育局", "副主任", dt.date(2017, 3, 1), dt.date(2017, 5, 20)),
}
MSG_DATE_FORMS = "日期：可填日期格式，或 2017-12-31、2017/12/31、2017.12.31、2017年12月31日；没有则留空"
GUIDE_LINES = (
    "「单位」「届次」「缺位」三个工作表的第1行是表头，第2行是示例：导入前请删除或改成真实数据。",
    "先校验全部工作表的每一行；只要有一处问题，就不导入任何数据，并列出问题所在的工作表、行、列和原因。",
    "单位按名称匹配（名称中的空格不计）：已有的更新，没有的新建；同一份台账重复导入不会产生重复记录。",
    "每次最多导入 {rows:,} 行（三个工作表合计）；更大的台账请按单位拆分成几个文件分别导入。",
)
GUIDE_COLUMNS = (excel.Column("工作表", 10), excel.Column("列", 16), excel.Column("是否必填", 12),
                 excel.Column("填写要求", 80))


def _requirement(spec: c.ColumnSpec) -> str:
    kinds = {
        "name": f"单位名称，最多 {spec.limit} 个字",
        "date": MSG_DATE_FORMS,
        "bool": "是 / 否",
        "term_number": f"正整数，最大 {spec.limit}",
        "role": "、".join(c.ROLES) + " 之一",
        "unit_kind": "、".join(c.UNIT_KINDS) + " 之一",
        "count": "不小于 0 的整数",
        "text": f"最多 {spec.limit:,} 个字" if spec.limit else "",
    }
    return "；".join(part for part in (kinds[spec.kind], spec.note) if part)


def _guide_rows() -> Iterable[list[Any]]:
    for sheet in c.SHEETS:
        for spec in c.COLUMNS[sheet]:
            need = "必填" if spec.mandatory else ("可留空" if spec.required else "可选列（可不要此列）")
            yield [sheet, spec.name, need, _requirement(spec)]


def template_workbook() -> bytes:
    """The blank ledger: three sheets with header rows, one example row, widths, date formats and
    drop-downs, and a 填写说明 sheet that says what every column takes (limits included)."""
    sheets = []
    for sheet in c.SHEETS:
        specs = [s for s in c.COLUMNS[sheet] if s.required]
        choices = []
        for i, spec in enumerate(specs):
            if spec.kind == "bool":
                choices.append(excel.ListChoice(i, ["是", "否"]))
            elif spec.kind == "role":
                choices.append(excel.ListChoice(i, list(c.ROLES), allow_blank=False))
        sheets.append(excel.Sheet(
            sheet, [excel.Column(s.name, s.width, style="date" if s.kind == "date" else None) for s in specs],
            [TEMPLATE_EXAMPLES[sheet]], choices=choices,
        ))
    guide: list[list[Any]] = [[excel.Cell("台账填写说明", "title")]]
    guide += [[line.format(rows=max_rows())] for line in GUIDE_LINES]
    guide.append([])
    sheets.append(excel.Sheet(c.SHEET_GUIDE, GUIDE_COLUMNS, _guide_rows(), preamble=guide))
    return excel.workbook_bytes(sheets)


def error_workbook(problems: Iterable[dict[str, Any] | Problem], *, total: int | None = None) -> bytes:
    """An .xlsx listing the problems (sheet, row, column, value, reason); with a note when `total` says
    there were more than listed ("前 1,000 处问题，共 50,000 处")."""
    items = [p if isinstance(p, Problem) else Problem.from_dict(p) for p in problems]
    note = capped_note(len(items), total or len(items))
    return excel.workbook_bytes([excel.Sheet(
        "问题清单", [excel.Column(t, w) for t, w in zip(ERROR_HEADERS, ERROR_WIDTHS, strict=True)],
        ([p.sheet, p.row, p.column, p.value, p.reason] for p in items),
        preamble=[[excel.Cell(note, "warning")]] if note else (),
    )])
