"""Forms of the duty pages: each feeds one service, which makes the rules' decisions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import StyledForm, date_field, reason_field
from duties.models import ContactAssignment, ContactLog, Executive


class ExecutiveAppointForm(StyledForm):
    person = forms.ModelChoiceField(label=_("人员"), queryset=None)  # type: ignore[arg-type, var-annotated]
    board = forms.ChoiceField(label=_("执委会"), choices=Executive.Board.choices)
    started_on = date_field(_("任职日期"))

    def __init__(self, data: Any = None, *, people: Any) -> None:
        super().__init__(data)
        self.fields["person"].queryset = people  # type: ignore[attr-defined]


class AssignmentForm(StyledForm):
    kind = forms.ChoiceField(label=_("联系对象类别"), choices=ContactAssignment.Kind.choices)
    unit = forms.ModelChoiceField(label=_("机关单位"), queryset=None, required=False)  # type: ignore[arg-type, var-annotated]
    community = forms.ModelChoiceField(label=_("社区/街道"), queryset=None, required=False)  # type: ignore[arg-type, var-annotated]
    group_name = forms.CharField(label=_("群体名称"), max_length=100, required=False)
    family_name = forms.CharField(label=_("家庭联系人"), max_length=50, required=False)
    family_phone = forms.CharField(label=_("联系电话"), max_length=32, required=False)
    family_address = forms.CharField(label=_("住址"), max_length=200, required=False)
    assigned_on = date_field(_("分工日期"))

    def __init__(self, data: Any = None, *, units: Any, communities: Any) -> None:
        super().__init__(data)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["community"].queryset = communities  # type: ignore[attr-defined]


class ContactLogForm(StyledForm):
    contacted_on = date_field(_("联系日期"))
    way = forms.ChoiceField(label=_("联系方式"), choices=ContactLog.Way.choices)
    reached = forms.BooleanField(label=_("已联系上"), required=False, initial=True)
    subject = forms.CharField(label=_("事由"), max_length=200)
    notes = forms.CharField(label=_("情况记录"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    follow_up_due = date_field(_("跟进期限"), required=False, help_text=_("需要跟进时填写。"))


class ContactLogCorrectForm(ContactLogForm):
    reason = reason_field()


class ReasonForm(StyledForm):
    reason = reason_field()


class EndForm(StyledForm):
    ended_on = date_field(_("结束日期"))


class DutySettingsForm(StyledForm):
    no_contact_days = forms.IntegerField(
        label=_("未联系天数阈值"), help_text=_("超过这一天数没有联系上的分工对象列入联系覆盖情况。")
    )
    required_shifts = forms.IntegerField(label=_("每名执委每年应值班次数"))
    case_retention_years = forms.IntegerField(
        label=_("个案内容保存年限"),
        help_text=_("结案满这一年限后清除来电人信息和情况记录，统计数据保留。"),
    )
