"""One cell of the ledger: what it holds as the clerk typed it, and as its column needs it.

Each `parse_*` takes a cell value (text, number, date, bool or blank, as the workbook reader gives it) and
returns the typed value or raises `CellError` whose message is the reason the clerk reads. Every column's
limits (text length from the model field, number ranges, the dates a ledger can hold) are checked here,
while reading, so that a dry run and a real import refuse the same cells on every database.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from committees.ledger import columns as c
from core.excel import unescape_cell
from orgs.names import normalize_unit_name

MSG_REQUIRED = _("不能为空")
MSG_BAD_DATE = _("不是有效日期：请填写日期格式的单元格，或 2017-12-31、2017/12/31、2017.12.31、2017年12月31日 之一")
MSG_DATE_OUT_OF_RANGE = _("日期超出范围：应在 {first} 至 {last} 之间")
MSG_BAD_BOOL = _("应填“是”或“否”")
MSG_BAD_NUMBER = _("届次应为正整数（如 3 或 第3届）")
MSG_BAD_COUNT = _("应为不小于0的整数")
MSG_COUNT_TOO_LARGE = _("数字过大：最大为 {limit}")
MSG_TOO_LONG = _("内容过长：最多 {limit} 个字，现有 {length} 个字")


def quoted_list(labels: list[str]) -> str:
    """“主任”、“副主任”、“委员” in the active language."""
    return pgettext("list separator", "、").join(gettext("“{value}”").format(value=label) for label in labels)


def plain_list(labels: list[str]) -> str:
    return pgettext("list separator", "、").join(labels)


# The labels are the posts and kinds of the active language, as the workbook in that language names them.
MSG_BAD_ROLE = format_lazy(_("职务应为 {roles} 之一"), roles=lazy(lambda: quoted_list(c.role_labels()), str)())
MSG_BAD_KIND = format_lazy(_("类别应为 {kinds} 之一"), kinds=lazy(lambda: plain_list(c.kind_labels()), str)())

# What a clerk types, read in every language: the Chinese forms of a date, of yes and no, of a number.
_DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_TRUE = {c.YES, "y", "yes", "true", "1", "√", "✓", *"需要 需建".split()}
_FALSE = {c.NO, "n", "no", "false", "0", "×", *"不需要 不需建".split()}
_TEN = "十"
_CN_DIGITS = {digit: i for i, digit in enumerate("一二三四五六七八九", start=1)}
_TERM_NUMBER = re.compile(r"第?\s*(\d+|[一二三四五六七八九十]{1,3})\s*届?")


class CellError(ValueError):
    """A cell that does not hold what its column needs; the message is the reason."""


def shown(value: Any) -> str:
    """A cell value as the clerk sees it, for problem lists."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d") if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _in_range(day: dt.date) -> dt.date:
    if not c.DATE_MIN <= day <= c.DATE_MAX:
        raise CellError(MSG_DATE_OUT_OF_RANGE.format(first=c.DATE_MIN.isoformat(), last=c.DATE_MAX.isoformat()))
    return day


def parse_date(value: Any) -> dt.date | None:
    """A date cell or a date typed as text in one of the forms clerks use; None when blank."""
    if is_blank(value):
        return None
    if isinstance(value, dt.datetime):
        return _in_range(value.date())
    if isinstance(value, dt.date):
        return _in_range(value)
    if isinstance(value, str):
        text = value.strip().replace("／", "/").replace("－", "-").replace("．", ".")
        m = _DATE_TEXT.match(text)
        if m:
            try:
                day = dt.date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                pass
            else:
                return _in_range(day)
    raise CellError(MSG_BAD_DATE)


def parse_bool(value: Any, *, default: bool = True) -> bool:
    if is_blank(value):
        return default
    if isinstance(value, bool):
        return value
    text = shown(value).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellError(MSG_BAD_BOOL)


def parse_term_number(value: Any) -> int:
    if isinstance(value, bool):
        raise CellError(MSG_BAD_NUMBER)
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str):
        m = _TERM_NUMBER.fullmatch(value.strip())
        if not m:
            raise CellError(MSG_BAD_NUMBER)
        number = int(m[1]) if m[1].isdigit() else _cn_number(m[1])
    else:
        raise CellError(MSG_BAD_NUMBER)
    if number <= 0 or number > c.TERM_NUMBER_MAX:
        raise CellError(MSG_BAD_NUMBER)
    return number


def _cn_number(text: str) -> int:
    # 一..九, 十, 十一..十九, 二十..九十九
    if _TEN not in text:
        if len(text) != 1:
            raise CellError(MSG_BAD_NUMBER)
        return _CN_DIGITS[text]
    tens, _sep, units = text.partition(_TEN)
    if len(tens) > 1 or len(units) > 1 or (tens and tens not in _CN_DIGITS) or (units and units not in _CN_DIGITS):
        raise CellError(MSG_BAD_NUMBER)
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[units] if units else 0)


def parse_role(value: Any) -> str:
    """A post named in Chinese or in English."""
    role = c.role_value(shown(value))
    if role is None:
        raise CellError(MSG_BAD_ROLE)
    return role


def parse_count(value: Any) -> int | None:
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise CellError(MSG_BAD_COUNT)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if not isinstance(value, int) or value < 0:
        raise CellError(MSG_BAD_COUNT)
    if value > c.COUNT_MAX:
        raise CellError(MSG_COUNT_TOO_LARGE.format(limit=c.COUNT_MAX))
    return value


def parse_kind(value: Any) -> str | None:
    if is_blank(value):
        return None
    kind = c.kind_value(shown(value))
    if kind is None:
        raise CellError(MSG_BAD_KIND)
    return kind


def _fits(text: str, limit: int | None) -> str:
    if limit is not None and len(text) > limit:
        raise CellError(MSG_TOO_LONG.format(limit=limit, length=len(text)))
    return text


def parse_name(value: Any, *, limit: int | None = c.UNIT_NAME_LIMIT) -> str:
    """A unit's name as the platform stores and matches it (orgs.names); a name the export escaped against
    formulas (core.excel.safe_cell) comes back as it was."""
    return _fits(normalize_unit_name(unescape_cell(shown(value))), limit)


def parse_text(value: Any, *, limit: int | None = None) -> str | None:
    return _fits(unescape_cell(shown(value)), limit) or None
