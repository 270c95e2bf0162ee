"""The workbooks handed to clerks besides the export: the blank template and the problem list, both in the
active language (sheet and column names, the guide, the examples), as the export is."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from committees.ledger import columns as c
from committees.ledger.cells import plain_list
from committees.ledger.problems import Problem, capped_note
from committees.ledger.reading import max_rows
from core import excel

ERROR_HEADERS = (_("工作表"), _("行号"), _("列"), _("单元格内容"), _("问题"))
ERROR_WIDTHS = (10, 8, 16, 24, 70)
SHEET_PROBLEMS = _("问题清单")
GUIDE_TITLE = _("台账填写说明")

MSG_DATE_FORMS = _("日期：可填日期格式，或 2017-12-31、2017/12/31、2017.12.31、2017年12月31日；没有则留空")
GUIDE_LINES = (
    _("「单位」「届次」「缺位」三个工作表的第1行是表头，第2行是示例：导入前请删除或改成真实数据。"),
    _("先校验全部工作表的每一行；只要有一处问题，就不导入任何数据，并列出问题所在的工作表、行、列和原因。"),
    _("单位按名称匹配（名称中的空格不计）：已有的更新，没有的新建；同一份台账重复导入不会产生重复记录。"),
    _("每次最多导入 {rows:,} 行（三个工作表合计）；更大的台账请按单位拆分成几个文件分别导入。"),
)
GUIDE_HEADERS = ((_("工作表"), 10), (_("列"), 16), (_("是否必填"), 12), (_("填写要求"), 80))
NEED_MANDATORY = _("必填")
NEED_OPTIONAL = _("可留空")
NEED_OPTIONAL_COLUMN = _("可选列（可不要此列）")


def template_examples() -> dict[str, tuple[Any, ...]]:
    """The example row of each sheet, in the active language."""
    unit = pgettext("ledger template example", "区教育局")
    return {
        c.SHEET_UNITS: (unit, dt.date(2001, 3, 1), None, gettext(c.YES), dt.date(2005, 6, 18), None),
        c.SHEET_TERMS: (unit, 3, dt.date(2015, 6, 18), dt.date(2020, 6, 17)),
        c.SHEET_VACANCIES: (unit, c.role_shown("vice_chair"), dt.date(2017, 3, 1), dt.date(2017, 5, 20)),
    }


def _requirement(spec: c.ColumnSpec) -> str:
    kinds = {
        "name": lambda: gettext("单位名称，最多 {limit} 个字").format(limit=spec.limit),
        "date": lambda: str(MSG_DATE_FORMS),
        "bool": lambda: gettext("{yes} / {no}").format(yes=gettext(c.YES), no=gettext(c.NO)),
        "term_number": lambda: gettext("正整数，最大 {limit}").format(limit=spec.limit),
        "role": lambda: gettext("{labels} 之一").format(labels=plain_list(c.role_labels())),
        "unit_kind": lambda: gettext("{labels} 之一").format(labels=plain_list(c.kind_labels())),
        "count": lambda: gettext("不小于 0 的整数"),
        "text": lambda: gettext("最多 {limit:,} 个字").format(limit=spec.limit) if spec.limit else "",
    }
    separator = pgettext("ledger guide", "；")
    return separator.join(part for part in (kinds[spec.kind](), str(spec.note)) if part)


def _guide_rows() -> Iterable[list[Any]]:
    for sheet in c.SHEETS:
        for spec in c.COLUMNS[sheet]:
            need = NEED_MANDATORY if spec.mandatory else (NEED_OPTIONAL if spec.required else NEED_OPTIONAL_COLUMN)
            yield [c.shown(sheet), c.shown(spec.name), str(need), _requirement(spec)]


def template_workbook() -> bytes:
    """The blank ledger: three sheets with header rows, one example row, widths, date formats and
    drop-downs, and a 填写说明 sheet that says what every column takes (limits included)."""
    sheets = []
    examples = template_examples()
    for sheet in c.SHEETS:
        specs = [s for s in c.COLUMNS[sheet] if s.required]
        choices = []
        for i, spec in enumerate(specs):
            if spec.kind == "bool":
                choices.append(excel.ListChoice(i, [gettext(c.YES), gettext(c.NO)]))
            elif spec.kind == "role":
                choices.append(excel.ListChoice(i, c.role_labels(), allow_blank=False))
        sheets.append(excel.Sheet(
            c.shown(sheet),
            [excel.Column(c.shown(s.name), s.width, style="date" if s.kind == "date" else None) for s in specs],
            [examples[sheet]], choices=choices,
        ))
    guide: list[list[Any]] = [[excel.Cell(str(GUIDE_TITLE), "title")]]
    guide += [[line.format(rows=max_rows())] for line in GUIDE_LINES]
    guide.append([])
    sheets.append(excel.Sheet(c.shown(c.SHEET_GUIDE), [excel.Column(str(t), w) for t, w in GUIDE_HEADERS],
                              _guide_rows(), preamble=guide))
    return excel.workbook_bytes(sheets)


def error_workbook(problems: Iterable[dict[str, Any] | Problem], *, total: int | None = None) -> bytes:
    """An .xlsx listing the problems (sheet, row, column, value, reason) in the active language; with a note
    when `total` says there were more than listed ("前 1,000 处问题，共 50,000 处")."""
    items = [p if isinstance(p, Problem) else Problem.from_dict(p) for p in problems]
    note = capped_note(len(items), total or len(items))
    return excel.workbook_bytes([excel.Sheet(
        str(SHEET_PROBLEMS), [excel.Column(str(t), w) for t, w in zip(ERROR_HEADERS, ERROR_WIDTHS, strict=True)],
        ([c.shown(p.sheet), p.row, c.shown(p.column), p.value, p.reason] for p in items),
        preamble=[[excel.Cell(note, "warning")]] if note else (),
    )])
