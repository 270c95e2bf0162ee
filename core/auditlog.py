"""The auditor's reading of the audit log: labels, the filter form, the changes as rows, the Excel export.

The log itself is written by core.audit; what the auditor may read is AuditEvent.objects.visible_to(user)
(core.models.AuditEventQuerySet). The filters travel in the query string, so a filtered view can be
bookmarked and the export takes exactly the filters of the page it was started from.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from core.excel import safe_cell
from core.forms import DATE_INPUT_FORMATS, StyledForm

ACTION_LABELS: dict[str, Any] = {
    "login": _("登录"),
    "login_failed": _("登录失败"),
    "account_locked": _("账号锁定"),
    "logout": _("退出登录"),
    "create": _("新增"),
    "update": _("修改"),
    "delete": _("删除"),
    "permission_change": _("权限变更"),
    "import": _("导入"),
    "export": _("导出"),
    "read_personal_info": _("查看个人信息"),
    "backup": _("备份"),
    "backup_verify": _("备份校验"),
    "backup_restore": _("恢复"),
    "account_create": _("创建账号"),
    "account_deactivate": _("停用账号"),
    "password_change": _("修改密码"),
    "password_reset": _("重置密码"),
    "otp_enrol": _("绑定动态口令"),
    "key_rotation_start": _("密钥轮换"),
    "key_retired": _("停用密钥"),
    "backup_key_rotation": _("添加备份密钥"),
    "audit_purge": _("清理审计日志"),
    "audit_verify": _("校验审计日志"),
}

RESULT_LABELS: dict[str, Any] = {
    "success": _("成功"),
    "failure": _("失败"),
    "locked": _("已锁定"),
}

# Object types that are not models (records of a whole list, a ledger file, the key ring).
OBJECT_TYPE_LABELS: dict[str, Any] = {
    "dashboard.list": _("工作台清单"),
    "committees.ledger": _("台账"),
    "core.keyring": _("密钥"),
}

BAD_DATE_MESSAGE = _("请填写有效日期，如 2026-03-08。")
DATE_OUT_OF_RANGE_MESSAGE = _("日期超出范围：请填写 2000 年至 2099 年之间的日期。")
DATES_INVERTED_MESSAGE = _("起始日期不能晚于截止日期。")
BAD_IP_MESSAGE = _("来源地址只能包含数字、字母 a–f、点和冒号，如 10.1.2.3 或 10.1.")
EXPORT_CAPPED_NOTE = _(
    "注意：符合条件的记录共 {total} 条，仅导出了最新的 {limit} 条。请缩小时间范围后分批导出。"
)
NO_FILTERS = _("无筛选条件")
NOT_A_CHOICE_MESSAGE = _("请从列表中选择。")
YES, NO = _("是"), _("否")

EXPORT_MAX_ROWS = 50_000
EXPORT_HEADERS = [
    _("时间"),
    _("操作人"),
    _("操作"),
    _("对象类型"),
    _("对象编号"),
    _("对象"),
    _("结果"),
    _("来源地址"),
    _("渠道"),
    _("说明"),
    _("变更"),
]
EXPORT_WIDTHS = [20, 16, 14, 18, 10, 30, 8, 16, 8, 40, 60]
EXCEL_CELL_LIMIT = 32_000  # Excel holds at most 32,767 characters in a cell
EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2099, 12, 31)
IP_PREFIX_RE = re.compile(r"^[0-9A-Fa-f:.]+$")
CODE_RE = re.compile(r"^[A-Za-z0-9_.]{1,100}$")  # what an action or object type looks like


def action_label(action: str) -> str:
    """The name of an event ("update" → 修改) or of an app's business action ("committees.term_reelect" →
    换届, core.registry.audit_action_labels), else the code as stored."""
    if action in ACTION_LABELS:
        return str(ACTION_LABELS[action])
    from core.registry import audit_action_labels

    label = audit_action_labels.get(action)
    return str(label) if label is not None else action


def known_actions() -> list[str]:
    """Every action with a label: core's events, then the apps' business actions."""
    from core.registry import audit_action_labels

    return [*ACTION_LABELS, *(k for k in audit_action_labels.keys() if k not in ACTION_LABELS)]


def actions_labelled(text: str) -> list[str]:
    """The actions whose label contains `text` (the search box finds "换届" by its name)."""
    text = text.strip().casefold()
    return [a for a in known_actions() if text and text in action_label(a).casefold()] if text else []


def result_label(result: str) -> str:
    return str(RESULT_LABELS.get(result, result))


def object_type_label(object_type: str) -> str:
    """The model's own name for a type such as "orgs.unit", else the type as stored."""
    if object_type in OBJECT_TYPE_LABELS:
        return str(OBJECT_TYPE_LABELS[object_type])
    model = _model_for(object_type)
    return str(model._meta.verbose_name) if model is not None else object_type


def _model_for(object_type: str) -> type[models.Model] | None:
    if object_type.count(".") != 1:
        return None
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _field(object_type: str, name: str) -> Any:
    model = _model_for(object_type)
    if model is not None:
        for f in model._meta.concrete_fields:
            if name in (f.name, f.attname):
                return f
    return None


def field_label(object_type: str, name: str) -> str:
    """The verbose name of a changed field of the object's model ("unit_id" → 所属单位), else the name."""
    f = _field(object_type, name)
    return str(f.verbose_name) if f is not None else name


CHANGED = _("已修改")


def format_value(value: Any, field: Any = None, names: dict[tuple[str, str], str] | None = None) -> str:
    """A stored value as a person reads it: a choice by its label, a related row by its name (from
    `names`, else its number), a moment in the platform's time zone, yes/no, ∅ for nothing."""
    if value is None:
        return "∅"
    if field is not None:
        if field.choices:
            label = dict(field.flatchoices).get(value)
            if label is not None:
                return str(label)
        if field.is_relation and field.related_model is not None:
            key = (field.related_model._meta.label_lower, str(value))
            return (names or {}).get(key) or f"{field.related_model._meta.verbose_name} #{value}"
        if isinstance(field, models.DateTimeField) and isinstance(value, str):
            try:
                moment = dt.datetime.fromisoformat(value)
            except ValueError:
                return value
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return moment.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, bool):
        return str(YES if value else NO)
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


@dataclass(frozen=True)
class Change:
    field: str
    label: str
    old: str
    new: str
    is_pair: bool  # an [old, new] pair; other entries (an export's row count...) carry one value in `new`


def _sensitive(field: Any, value: Any) -> bool:
    if field is not None and getattr(field, "sensitive", False):
        return True
    # Masked values (core.audit.REDACTED) of a model no longer installed.
    return isinstance(value, list) and any(v in ("***", "***（已修改）") for v in value)


def changes_of(event: Any, names: dict[tuple[str, str], str] | None = None) -> list[Change]:
    """The event's changes as rows: {field: [old, new]} pairs, and plain data of the other events. A
    confidential or encrypted field shows only that it changed (已修改), never a value."""
    data = event.changes if isinstance(event.changes, dict) else {"": event.changes}
    rows = []
    for name, value in data.items():
        field = _field(event.object_type, name)
        label = str(field.verbose_name) if field is not None else name
        if _sensitive(field, value):
            rows.append(Change(name, label, "", str(CHANGED), False))
        elif isinstance(value, list) and len(value) == 2:
            rows.append(
                Change(
                    name,
                    label,
                    format_value(value[0], field, names),
                    format_value(value[1], field, names),
                    True,
                )
            )
        else:
            rows.append(Change(name, label, "", format_value(value, field, names), False))
    return rows


def related_names(events: Iterable[Any]) -> dict[tuple[str, str], str]:
    """The names of the rows the events' changed foreign keys point to, one query per related model
    (core.audit.safe_repr: a confidential row by its kind and number)."""
    from core.audit import safe_repr

    wanted: dict[type[models.Model], set[str]] = {}
    for event in events:
        if not isinstance(event.changes, dict):
            continue
        for name, value in event.changes.items():
            field = _field(event.object_type, name)
            if field is None or not field.is_relation or field.related_model is None:
                continue
            for v in value if isinstance(value, list) else [value]:
                if v is not None and not isinstance(v, (list, dict)):
                    wanted.setdefault(field.related_model, set()).add(str(v))
    names: dict[tuple[str, str], str] = {}
    for model, pks in wanted.items():
        if _is_confidential_model(model):
            continue  # kind and number is all the log shows of those
        for obj in model._base_manager.filter(pk__in=pks):
            names[(model._meta.label_lower, str(obj.pk))] = safe_repr(obj)
    return names


def _is_confidential_model(model: type[models.Model]) -> bool:
    return any(getattr(f, "confidential", False) for f in model._meta.concrete_fields)


def changes_text(event: Any) -> str:
    return "；".join(
        f"{c.field}: {c.old} → {c.new}" if c.is_pair else f"{c.field}: {c.new}" for c in changes_of(event)
    )


# --- filters --------------------------------------------------------------------------------------------


def _date_field(label: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(format="%Y-%m-%d"),
        error_messages={"invalid": BAD_DATE_MESSAGE},
    )


CHOICE_ERRORS = {"invalid_choice": NOT_A_CHOICE_MESSAGE}


class AuditFilterForm(StyledForm):
    """The auditor's filters; bound to request.GET. The selects offer what the visible log holds."""

    date_from = _date_field(_("起始日期"))
    date_to = _date_field(_("截止日期"))
    action = forms.ChoiceField(label=_("操作"), required=False, error_messages=CHOICE_ERRORS)
    result = forms.ChoiceField(label=_("结果"), required=False, error_messages=CHOICE_ERRORS)
    actor = forms.CharField(label=_("操作人"), required=False, max_length=150)
    object_type = forms.ChoiceField(label=_("对象类型"), required=False, error_messages=CHOICE_ERRORS)
    ip = forms.CharField(label=_("来源地址"), required=False, max_length=45)
    q = forms.CharField(label=_("对象或说明"), required=False, max_length=200)

    def __init__(self, data: Any, *, events: models.QuerySet, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.label_suffix = ""
        present_actions = _distinct(events, "action")
        present_types = _distinct(events, "object_type")
        present_results = _distinct(events, "result")
        # A bookmarked filter stays valid after its last event was purged: keep what was asked for.
        asked = data or {}
        present_actions |= _asked(asked, "action")
        present_types |= _asked(asked, "object_type")
        present_results |= _asked(asked, "result")
        any_choice: list[tuple[str, Any]] = [("", _("全部"))]
        # Known actions in their usual order (log-ins first), then any others by name.
        known = known_actions()
        ordered = [a for a in known if a in present_actions] + sorted(present_actions - set(known))
        self._choices(
            "action", any_choice + [(a, f"{action_label(a)}（{a}）" if a in known else a) for a in ordered]
        )
        results = list(RESULT_LABELS) + sorted(present_results - set(RESULT_LABELS))
        self._choices("result", any_choice + [(r, result_label(r)) for r in results])
        types = sorted(t for t in present_types if t)
        self._choices(
            "object_type",
            any_choice
            + [(t, f"{object_type_label(t)}（{t}）" if object_type_label(t) != t else t) for t in types],
        )

    def _choices(self, name: str, choices: list[tuple[str, Any]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    def clean_date_from(self) -> dt.date | None:
        return _in_range(self.cleaned_data.get("date_from"))

    def clean_date_to(self) -> dt.date | None:
        return _in_range(self.cleaned_data.get("date_to"))

    def clean_ip(self) -> str:
        ip = (self.cleaned_data.get("ip") or "").strip()
        if ip and not IP_PREFIX_RE.match(ip):
            raise ValidationError(BAD_IP_MESSAGE, code="bad_ip")
        return ip

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", ValidationError(DATES_INVERTED_MESSAGE, code="inverted"))
        return data

    def filter(self, events: models.QuerySet) -> models.QuerySet:
        """The events that pass the filters; none while the form has errors (an error is never "no filter")."""
        if not self.is_valid():
            return events.none()
        d = self.cleaned_data
        if d.get("date_from"):
            events = events.filter(at__gte=_start_of(d["date_from"]))
        if d.get("date_to"):
            events = events.filter(at__lt=_start_of(d["date_to"] + dt.timedelta(days=1)))
        for name in ("action", "result", "object_type"):
            if d.get(name):
                events = events.filter(**{name: d[name]})
        if d.get("actor"):
            events = events.filter(actor_name__icontains=d["actor"].strip())
        if d.get("ip"):
            events = events.filter(ip=d["ip"]) if _is_ip(d["ip"]) else events.filter(ip__startswith=d["ip"])
        if d.get("q"):
            q = d["q"].strip()
            events = events.filter(
                models.Q(object_repr__icontains=q)
                | models.Q(detail__icontains=q)
                | models.Q(object_id=q)
                | models.Q(action__in=actions_labelled(q))
            )
        return events

    def active_filters(self) -> dict[str, str]:
        """{label: value} of the filters in use, as the auditor chose them (for the export's record)."""
        if not self.is_valid():
            return {}
        shown: dict[str, str] = {}
        for name, field in self.fields.items():
            value = self.cleaned_data.get(name)
            if value in (None, ""):
                continue
            if isinstance(field, forms.ChoiceField):
                text = str(dict(field.choices).get(value, value))  # type: ignore[arg-type]
            else:
                text = value.isoformat() if isinstance(value, dt.date) else str(value)
            shown[str(field.label)] = text
        return shown

    def describe(self) -> str:
        active = self.active_filters()
        return "；".join(f"{k}：{v}" for k, v in active.items()) if active else str(NO_FILTERS)


def entries(visible: models.QuerySet, matching: models.QuerySet | None) -> models.QuerySet:
    """The list's entries: events that are no business action's row (business actions and single events),
    of those `matching` the filters themselves or holding a row that does (None: no filters); each with
    `row_count`, the number of its rows."""
    from core.models import AuditEvent

    top = visible.filter(part_of__isnull=True)
    if matching is not None:
        top = top.filter(
            models.Q(pk__in=matching.values("pk"))
            | models.Q(pk__in=matching.filter(part_of__isnull=False).values("part_of"))
        )
    rows = (
        AuditEvent.objects.filter(part_of=models.OuterRef("pk"))
        .order_by()
        .values("part_of")
        .annotate(n=models.Count("*"))
        .values("n")
    )
    return top.annotate(row_count=Coalesce(models.Subquery(rows), 0))


def _distinct(events: models.QuerySet, field: str) -> set[str]:
    return set(events.order_by().values_list(field, flat=True).distinct())


def _asked(data: Any, name: str) -> set[str]:
    value = str(data.get(name) or "").strip()
    return {value} if CODE_RE.match(value) else set()


def _in_range(day: dt.date | None) -> dt.date | None:
    if day is not None and not (EARLIEST <= day <= LATEST):
        raise ValidationError(DATE_OUT_OF_RANGE_MESSAGE, code="out_of_range")
    return day


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


# --- export ---------------------------------------------------------------------------------------------


def _text(value: Any) -> Any:
    """A cell value: control characters Excel refuses removed, text that looks like a formula escaped."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if len(value) > EXCEL_CELL_LIMIT:
            value = value[:EXCEL_CELL_LIMIT] + "…"
    return safe_cell(value)


def export_row(event: Any) -> list[Any]:
    return [
        timezone.localtime(event.at).replace(tzinfo=None),
        event.actor_name,
        action_label(event.action),
        object_type_label(event.object_type) if event.object_type else "",
        event.object_id,
        event.object_repr,
        result_label(event.result),
        event.ip or event.origin,
        event.source,
        event.detail,
        changes_text(event),
    ]


def export_title(exported_at: dt.datetime) -> str:
    """The first line of an exported workbook: what it is and when it was exported (local time)."""
    return str(_("审计日志（导出于 {time}）")).format(time=f"{timezone.localtime(exported_at):%Y-%m-%d %H:%M}")


def build_workbook(
    events: Iterable[Any], *, total: int, filters: str, exported_at: dt.datetime
) -> tuple[bytes, int]:
    """The events (newest first, at most EXPORT_MAX_ROWS of them) as an .xlsx; returns (bytes, rows written)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(str(_("审计日志")))
    for i, width in enumerate(EXPORT_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    capped = total > EXPORT_MAX_ROWS
    header_row = 5 if capped else 4
    ws.freeze_panes = f"A{header_row + 1}"

    def bold(value: Any, **style: Any) -> WriteOnlyCell:
        cell = WriteOnlyCell(ws, value=_text(value))
        cell.font = Font(bold=True, **style)
        return cell

    ws.append([bold(export_title(exported_at), size=13)])
    ws.append([_text(str(_("筛选条件：{filters}")).format(filters=filters))])
    if capped:
        ws.append([bold(str(EXPORT_CAPPED_NOTE).format(total=total, limit=EXPORT_MAX_ROWS), color="C00000")])
    ws.append([])
    fill = PatternFill("solid", fgColor="F2DCDB")
    header = []
    for title in map(str, EXPORT_HEADERS):
        cell = bold(title)
        cell.fill = fill
        header.append(cell)
    ws.append(header)
    written = 0
    for event in events:
        if written >= EXPORT_MAX_ROWS:
            break
        values = export_row(event)
        at = WriteOnlyCell(ws, value=values[0])
        at.number_format = "yyyy-mm-dd hh:mm:ss"
        ws.append([at, *(_text(v) for v in values[1:])])
        written += 1
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue(), written
