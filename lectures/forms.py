"""Forms of the volunteer lecture system: they carry the row's version where they edit a row."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import StyledForm


class VersionField(forms.IntegerField):
    def __init__(self) -> None:
        super().__init__(widget=forms.HiddenInput, required=False)


class CategoryForm(StyledForm):
    name = forms.CharField(label=_("类别名称"), max_length=40)
    order = forms.IntegerField(label=_("排序"), min_value=0, max_value=1000, initial=100)
    active = forms.BooleanField(label=_("启用"), required=False, initial=True)
    version = VersionField()


class VolunteerProfileForm(StyledForm):
    categories = forms.ModelMultipleChoiceField(
        label=_("专业类别"),
        queryset=None,  # type: ignore[arg-type]
        widget=forms.CheckboxSelectMultiple,
    )
    bio = forms.CharField(
        label=_("个人简介"), required=False, widget=forms.Textarea(attrs={"rows": 4}), max_length=2000
    )
    availability = forms.CharField(
        label=_("可授课时间"), required=False, max_length=200, help_text=_("例如：每周三下午、周六全天")
    )
    yearly_limit = forms.IntegerField(label=_("每年授课上限（场）"), min_value=1, max_value=200, initial=12)
    version = VersionField()

    def __init__(self, *args: Any, categories: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["categories"].queryset = categories  # type: ignore[attr-defined]
        self.fields["categories"].widget.attrs["class"] = ""


class VolunteerRegisterForm(VolunteerProfileForm):
    person = forms.ModelChoiceField(label=_("人员"), queryset=None)  # type: ignore[arg-type]

    field_order = ["person", "categories", "bio", "availability", "yearly_limit"]

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people  # type: ignore[attr-defined]


class ReasonForm(StyledForm):
    reason = forms.CharField(
        label=_("原因"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    version = VersionField()


class TopicForm(StyledForm):
    title = forms.CharField(label=_("课题名称"), max_length=100)
    category = forms.ModelChoiceField(label=_("专业类别"), queryset=None)  # type: ignore[arg-type]
    audience = forms.CharField(
        label=_("适合对象"), max_length=100, required=False, help_text=_("例如：家长、机关女干部、社区居民")
    )
    duration_minutes = forms.IntegerField(label=_("时长（分钟）"), min_value=15, max_value=480, initial=90)
    outline = forms.CharField(label=_("课程大纲"), widget=forms.Textarea(attrs={"rows": 8}), max_length=10000)
    version = VersionField()

    def __init__(self, *args: Any, categories: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories  # type: ignore[attr-defined]


class TopicReviseForm(StyledForm):
    outline = forms.CharField(
        label=_("新版大纲"), widget=forms.Textarea(attrs={"rows": 10}), max_length=10000
    )
    changes = forms.CharField(
        label=_("修改说明"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("例如：根据试讲反馈，增加案例分析"),
    )


class TopicReviewForm(StyledForm):
    decision = forms.ChoiceField(
        label=_("审核结论"),
        choices=[("accept", _("通过")), ("return", _("退回修改"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("审核意见"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("退回时必填"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decision"].widget.attrs["class"] = ""


class LecturersForm(StyledForm):
    lecturers = forms.ModelMultipleChoiceField(
        label=_("授课讲师"),
        queryset=None,  # type: ignore[arg-type]
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, volunteers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lecturers"].queryset = volunteers  # type: ignore[attr-defined]
        self.fields["lecturers"].widget.attrs["class"] = ""
