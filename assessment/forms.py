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
    template = forms.ModelChoiceField(label=_("评估表"), queryset=None)  # type: ignore[arg-type,var-annotated]
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    title = forms.CharField(
        label=_("名称"), max_length=100, required=False, help_text=_("留空则为“某年度机关妇女工作量化自查”。")
    )
    deadline = date_field(_("截止日期"))
    units = forms.ModelMultipleChoiceField(
        label=_("参加单位"),
        queryset=None,
        required=False,  # type: ignore[arg-type,var-annotated]
        help_text=_("不选则为全部需建妇委会的在册单位。"),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    def __init__(self, *args: Any, templates: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = templates  # type: ignore[attr-defined]
        self.fields["units"].queryset = units  # type: ignore[attr-defined]


class CommentForm(StyledForm):
    comment = forms.CharField(label=_("退回意见"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))


class WithdrawForm(StyledForm):
    reason = forms.CharField(label=_("撤下原因"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))


class DisputeForm(StyledForm):
    text = forms.CharField(
        label=_("异议说明"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("说明您认为自动评分与实际不符的理由；留空并保存即撤回异议。自动得分不会因此改变。"),
    )


class EvidenceForm(StyledForm):
    title = forms.CharField(
        label=_("材料名称"), max_length=200, required=False, help_text=_("留空则使用文件名。")
    )
    file = forms.FileField(
        label=_("文件"),
        required=False,
        help_text=_("PDF、图片（PNG/JPEG）、Word 或 Excel，最大 10 MB；按文件内容检查类型。"),
    )
    link_url = forms.CharField(
        label=_("或：平台内记录的链接"),
        max_length=300,
        required=False,
        help_text=_("例如讲座、会议纪要或亮点的页面地址，以 / 开头。"),
    )
    effective_on = date_field(
        _("材料日期"), required=False, help_text=_("材料形成的日期（与上传日期无关）。")
    )
    items = forms.MultipleChoiceField(label=_("对应项目"), widget=forms.CheckboxSelectMultiple, choices=())

    def __init__(self, *args: Any, items: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["items"].choices = [(i.pk, f"{i.number}. {i.title}") for i in items]  # type: ignore[attr-defined]
        self.fields["items"].widget.attrs["class"] = "form-check-input"


class RectificationOpenForm(StyledForm):
    deadline = date_field(_("整改期限"))


class RectificationPlanForm(StyledForm):
    measures = forms.CharField(label=_("措施"), widget=forms.Textarea(attrs={"rows": 3}))
    owner = forms.CharField(label=_("责任人"), max_length=50)
    deadline = date_field(_("期限"))


class RectificationCloseForm(StyledForm):
    note = forms.CharField(label=_("完成情况"), widget=forms.Textarea(attrs={"rows": 3}))


class HighlightForm(StyledForm):
    title = forms.CharField(label=_("标题"), max_length=120)
    text = forms.CharField(
        label=_("正文"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("做法、成效和可供借鉴之处；区妇联发布前可能作文字修改。"),
    )
    items = forms.MultipleChoiceField(
        label=_("对应项目"), widget=forms.CheckboxSelectMultiple, choices=(), required=False
    )

    def __init__(self, *args: Any, items: Any = (), units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(i.pk, f"{i.number}. {i.title}") for i in items]
        if choices:
            self.fields["items"].choices = choices  # type: ignore[attr-defined]
            self.fields["items"].widget.attrs["class"] = "form-check-input"
        else:
            del self.fields["items"]
        if units is not None and len(units) > 1:
            self.fields = {
                "unit": forms.TypedChoiceField(
                    label=_("单位"), choices=[(u.pk, u.name) for u in units], coerce=int
                ),
                **self.fields,
            }
            self.fields["unit"].widget.attrs["class"] = "form-select"


class HighlightFileForm(StyledForm):
    file = forms.FileField(
        label=_("照片或附件"),
        help_text=_("图片（PNG/JPEG）、PDF、Word 或 Excel，最大 10 MB；按文件内容检查类型。"),
    )


class SessionForm(StyledForm):
    title = forms.CharField(label=_("名称"), max_length=120)
    held_on = date_field(_("日期"))
    place = forms.CharField(label=_("地点"), max_length=120)
    notes = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    highlights = forms.MultipleChoiceField(
        label=_("交流的亮点"), widget=forms.CheckboxSelectMultiple, choices=(), required=False
    )

    def __init__(self, *args: Any, highlights: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["highlights"].choices = [  # type: ignore[attr-defined]
            (h.pk, f"{h.title}（{h.unit.name}）") for h in highlights
        ]
        self.fields["highlights"].widget.attrs["class"] = "form-check-input"
