"""Forms of the document library and consultations (the rules are the services')."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import StyledForm, date_field
from core.roles import Role
from documents.models import Document, HandlingNote

ITEM_CHOICES = [(n, str(n)) for n in range(1, 11)]


class CheckList(forms.CheckboxSelectMultiple):
    """Checkboxes one per line, styled on the inputs only (a class on the whole list would shrink it)."""

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        option["attrs"]["class"] = "form-check-input me-2"
        return option


class DocumentForm(StyledForm):
    title = forms.CharField(label=_("标题"), max_length=200)
    kind = forms.ChoiceField(label=_("类别"), choices=Document.Kind.choices)
    doc_number = forms.CharField(label=_("文号"), max_length=60, required=False)
    issuer = forms.CharField(label=_("发文单位"), max_length=100, required=False)
    summary = forms.CharField(label=_("简介"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    items = forms.TypedMultipleChoiceField(
        label=_("指导的评估项目"),
        choices=ITEM_CHOICES,
        coerce=int,
        required=False,
        help_text=_("量化评估表中以本文件为指导的项目序号，自查表的这些项目会链接到本文件。"),
        widget=CheckList,
    )

    def __init__(self, *args: Any, item_titles: dict[int, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if item_titles:
            self.fields["items"].choices = [  # type: ignore[attr-defined]
                (n, f"{n}. {item_titles[n]}" if n in item_titles else str(n)) for n, _label in ITEM_CHOICES
            ]
        self.fields["items"].widget.attrs["class"] = ""


class VersionForm(StyledForm):
    label = forms.CharField(label=_("版本"), max_length=60, help_text=_("例如“2020 年版”“征求意见稿”。"))
    effective_on = date_field(_("生效日期"), required=False)
    body = forms.CharField(
        label=_("正文"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("以“一、”“第一章”“1.”等开头的标题行把正文分为若干部分，征求意见时按部分提意见。"),
    )
    upload = forms.FileField(label=_("文件"), required=False, help_text=_("可选：PDF、Word、Excel 或图片。"))
    note = forms.CharField(label=_("修订说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    publish = forms.BooleanField(
        label=_("立即发布"), required=False, help_text=_("不勾选则保存为草稿，可用于征求意见。")
    )


ROLE_LABELS = dict(Role.choices)


class ConsultationForm(StyledForm):
    title = forms.CharField(label=_("标题"), max_length=200, required=False)
    intro = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    deadline = date_field(_("截止日期"))
    roles = forms.MultipleChoiceField(label=_("征求对象（角色）"), required=False, widget=CheckList)
    units = forms.TypedMultipleChoiceField(
        label=_("征求对象（单位）"),
        coerce=int,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    def __init__(self, *args: Any, roles: list[str], units: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = [(r, ROLE_LABELS[r]) for r in roles]  # type: ignore[attr-defined]
        self.fields["roles"].widget.attrs["class"] = ""
        self.fields["units"].choices = [(u.pk, u.name) for u in units]  # type: ignore[attr-defined]


class CommentForm(StyledForm):
    section = forms.TypedChoiceField(label=_("章节"), coerce=int)
    text = forms.CharField(label=_("意见"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)

    def __init__(self, *args: Any, sections: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = [  # type: ignore[attr-defined]
            (s.pk, f"{s.number}. {s.heading}" if s.heading else f"{s.number}. {_('（前言）')}")
            for s in sections
        ]


class ConcludeForm(StyledForm):
    """The final version's text and, per section of the draft, how its comments were handled."""

    final_label = forms.CharField(label=_("正式版本名称"), max_length=60, required=False)
    effective_on = date_field(_("生效日期"), required=False)
    final_body = forms.CharField(label=_("正式版本正文"), widget=forms.Textarea(attrs={"rows": 14}))
    conclusion = forms.CharField(
        label=_("意见处理总体说明"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, sections: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.section_fields: list[tuple[Any, str, str]] = []
        outcome_choices = [("", "—"), *HandlingNote.Outcome.choices]
        for s in sections:
            outcome, note = f"outcome_{s.number}", f"note_{s.number}"
            self.fields[outcome] = forms.ChoiceField(
                label=_("处理结果"), choices=outcome_choices, required=False
            )
            self.fields[note] = forms.CharField(
                label=_("处理说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
            )
            self.fields[outcome].widget.attrs["class"] = "form-select"
            self.fields[note].widget.attrs["class"] = "form-control"
            self.section_fields.append((s, outcome, note))

    def notes(self) -> dict[int, tuple[str, str]]:
        return {
            s.number: (self.cleaned_data.get(o) or "", self.cleaned_data.get(n) or "")
            for s, o, n in self.section_fields
        }
