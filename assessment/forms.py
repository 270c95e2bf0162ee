"""Forms of the self-inspection pages."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from assessment.models import KIND_CHOICES
from core.forms import StyledForm, date_field


class TemplateItemForm(StyledForm):
    title = forms.CharField(label=_("项目"), max_length=100)
    points = forms.DecimalField(label=_("分值"), min_value=0, max_value=100, decimal_places=1)
    kind = forms.ChoiceField(label=_("评分规则"), choices=KIND_CHOICES)
    params = forms.CharField(
        label=_("规则参数（JSON）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_('例如 {"target": 4}；留空使用默认参数。'),
    )
    guidance = forms.CharField(label=_("评分说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    evidence_required = forms.BooleanField(label=_("须附佐证材料"), required=False)
    na_allowed = forms.BooleanField(label=_("允许不适用（须说明原因）"), required=False)
    threshold = forms.DecimalField(label=_("整改线（得分率）"), min_value=0, max_value=1, decimal_places=2)

    def clean_params(self) -> dict[str, Any]:
        raw = (self.cleaned_data.get("params") or "").strip()
        if not raw:
            return {}
        try:
            value = json.loads(raw)
        except ValueError:
            raise forms.ValidationError(_("请填写 JSON 对象。")) from None
        if not isinstance(value, dict):
            raise forms.ValidationError(_("请填写 JSON 对象。"))
        return value


class CycleOpenForm(StyledForm):
    template = forms.ModelChoiceField(label=_("评估表"), queryset=None)  # type: ignore[arg-type]
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    title = forms.CharField(
        label=_("名称"), max_length=100, required=False, help_text=_("留空则为“某年度机关妇女工作量化自查”。")
    )
    deadline = date_field(_("截止日期"))
    units = forms.ModelMultipleChoiceField(
        label=_("参加单位"),
        queryset=None,
        required=False,  # type: ignore[arg-type]
        help_text=_("不选则为全部需建妇委会的在册单位。"),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    def __init__(self, *args: Any, templates: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = templates  # type: ignore[attr-defined]
        self.fields["units"].queryset = units  # type: ignore[attr-defined]


class CommentForm(StyledForm):
    comment = forms.CharField(label=_("退回意见"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))


class DisputeForm(StyledForm):
    text = forms.CharField(
        label=_("异议说明"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("说明您认为自动评分与实际不符的理由；留空并保存即撤回异议。自动得分不会因此改变。"),
    )
