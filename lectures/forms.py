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
        queryset=None,  # type: ignore[arg-type,var-annotated]
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
    person = forms.ModelChoiceField(label=_("人员"), queryset=None)  # type: ignore[arg-type,var-annotated]

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
    category = forms.ModelChoiceField(label=_("专业类别"), queryset=None)  # type: ignore[arg-type,var-annotated]
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
        queryset=None,  # type: ignore[arg-type,var-annotated]
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, volunteers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lecturers"].queryset = volunteers  # type: ignore[attr-defined]
        self.fields["lecturers"].widget.attrs["class"] = ""


class LectureScheduleForm(StyledForm):
    lecturers = forms.ModelMultipleChoiceField(
        label=_("授课讲师"),
        queryset=None,  # type: ignore[arg-type,var-annotated]
        widget=forms.CheckboxSelectMultiple,
    )
    starts_at = forms.DateTimeField(
        label=_("开始时间"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    duration_minutes = forms.IntegerField(label=_("时长（分钟）"), min_value=15, max_value=480)
    venue = forms.CharField(label=_("地点"), max_length=200)
    capacity = forms.IntegerField(label=_("名额"), min_value=1, max_value=2000, initial=50)
    host_unit = forms.ModelChoiceField(label=_("主办单位"), queryset=None, required=False)  # type: ignore[arg-type,var-annotated]

    def __init__(self, *args: Any, volunteers: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lecturers"].queryset = volunteers  # type: ignore[attr-defined]
        self.fields["lecturers"].widget.attrs["class"] = ""
        self.fields["host_unit"].queryset = units  # type: ignore[attr-defined]


class CheckinForm(StyledForm):
    code = forms.CharField(
        label=_("签到码"),
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "inputmode": "text",
                "autofocus": True,
            }
        ),
    )


class CertificateVerifyForm(StyledForm):
    code = forms.CharField(
        label=_("证明验证码"),
        max_length=40,
        help_text=_("证明上印有的 16 位验证码，可带或不带短横线。"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


class AttendanceForm(StyledForm):
    attendance = forms.ChoiceField(
        label=_("出席"), choices=[("attended", _("已出席")), ("absent", _("缺席")), ("excused", _("请假"))]
    )
    version = VersionField()


RATING_CHOICES = [(i, str(i)) for i in range(5, 0, -1)]


class FeedbackForm(StyledForm):
    relevance = forms.TypedChoiceField(label=_("实用性"), choices=RATING_CHOICES, coerce=int)
    content = forms.TypedChoiceField(label=_("内容"), choices=RATING_CHOICES, coerce=int)
    delivery = forms.TypedChoiceField(label=_("讲授"), choices=RATING_CHOICES, coerce=int)
    comment = forms.CharField(
        label=_("意见建议"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )


class OrderForm(StyledForm):
    preferred_date = forms.DateField(
        label=_("希望日期"), widget=forms.DateInput(format="%Y-%m-%d"), input_formats=["%Y-%m-%d", "%Y/%m/%d"]
    )
    preferred_note = forms.CharField(
        label=_("时间说明"), max_length=200, required=False, help_text=_("例如：周末下午")
    )
    audience = forms.CharField(
        label=_("听众"), max_length=100, required=False, help_text=_("例如：社区妈妈、老年居民")
    )
    expected_size = forms.IntegerField(label=_("预计人数"), min_value=1, max_value=2000, initial=30)
    venue = forms.CharField(label=_("地点"), max_length=200)
    notes = forms.CharField(
        label=_("备注"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class MatchForm(StyledForm):
    volunteer = forms.ModelChoiceField(label=_("讲师"), queryset=None, widget=forms.RadioSelect)  # type: ignore[arg-type,var-annotated]
    version = VersionField()

    def __init__(self, *args: Any, volunteers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["volunteer"].queryset = volunteers  # type: ignore[attr-defined]
        self.fields["volunteer"].widget.attrs["class"] = ""


class AcceptForm(StyledForm):
    starts_at = forms.DateTimeField(
        label=_("讲座时间"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    capacity = forms.IntegerField(label=_("名额"), min_value=1, max_value=2000)


class RateForm(StyledForm):
    rating = forms.TypedChoiceField(label=_("评分"), choices=RATING_CHOICES, coerce=int)
    comment = forms.CharField(
        label=_("评价"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = VersionField()


def _date_field(label: Any, required: bool = True, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%Y/%m/%d"],
    )


class EvidenceUploadField(forms.FileField):
    def __init__(self, required: bool = False) -> None:
        super().__init__(
            label=_("佐证材料"),
            required=required,
            help_text=_("PDF、图片（PNG/JPEG）或 Word 文件；按文件内容检查类型。"),
        )


class QualificationForm(StyledForm):
    name = forms.CharField(label=_("资质名称"), max_length=100, help_text=_("例如：急救培训导师证"))
    issued_on = _date_field(_("发证日期"))
    valid_until = _date_field(_("有效期至"), required=False, help_text=_("长期有效的留空。"))
    file = EvidenceUploadField()


class TopicQualificationForm(StyledForm):
    required_qualification = forms.CharField(
        label=_("所需资质"),
        max_length=100,
        required=False,
        help_text=_("讲师须在讲座当天持有有效的该资质；留空表示不要求。"),
    )
    version = VersionField()


class OtherServiceForm(StyledForm):
    served_on = _date_field(_("服务日期"))
    hours = forms.DecimalField(
        label=_("服务时长（小时）"), min_value=0.5, max_value=24, decimal_places=1, max_digits=4
    )
    description = forms.CharField(
        label=_("服务内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("例如：在社区儿童之家开展亲子阅读活动"),
    )
    file = EvidenceUploadField(required=True)
