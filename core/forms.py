"""Forms that carry the row version so that a stale edit is refused, not saved over a newer one."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class StyledFormMixin:
    """Gives widgets the Bootstrap classes the templates expect, and marks errors."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        for field in self.fields.values():  # type: ignore[attr-defined]
            widget = field.widget
            if isinstance(widget, forms.HiddenInput):
                continue
            if isinstance(widget, (forms.CheckboxInput,)):
                css = "form-check-input"
            elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
            if isinstance(widget, forms.DateInput):
                widget.input_type = "date"

    def full_clean(self) -> None:
        # Mark invalid fields after validation, not in __init__, so subclasses can still adjust fields.
        super().full_clean()  # type: ignore[misc]
        for name in getattr(self, "_errors", None) or {}:
            if name in self.fields:  # type: ignore[attr-defined]
                widget = self.fields[name].widget  # type: ignore[attr-defined]
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


class StyledForm(StyledFormMixin, forms.Form):
    pass


class VersionedModelForm(StyledFormMixin, forms.ModelForm):
    """Adds a hidden `version`; saving with a stale one raises core.models.ConcurrentEditError.

    An edit posted without its version (or with one that is not a number) is a conflict too, never a
    pass: the editor's starting point is unknown, so the save could overwrite someone else's change.
    """

    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and not self.is_bound:
            self.initial["version"] = self.instance.version

    def clean_version(self) -> int | None:
        raw = (self.cleaned_data.get("version") or "").strip()
        return int(raw) if raw.isdigit() else None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.instance.pk is not None and cleaned.get("version") is None:
            from core.models import ConcurrentEditError

            raise ConcurrentEditError()
        return cleaned

    def _post_clean(self) -> None:
        super()._post_clean()  # type: ignore[misc]
        version = self.cleaned_data.get("version") if hasattr(self, "cleaned_data") else None
        if self.instance.pk is not None and version is not None:
            self.instance.version = version


# Dates clerks type when the browser shows a plain text box instead of a date picker.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日"]


def date_field(label: Any, *, required: bool = True, help_text: Any = "") -> forms.DateField:
    """A date rendered as <input type=date> (ISO value), also accepting the forms clerks type by hand."""
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(format="%Y-%m-%d"),
        error_messages={"invalid": _("请填写有效日期，如 2024-03-08。"), "required": _("请填写日期。")},
    )


REASON_LABEL = _("原因")
REASON_HELP = _("必填，会记入历史和审计日志，例如“录入时日期填错，按会议纪要更正”。")


def reason_field(label: Any = REASON_LABEL, help_text: Any = REASON_HELP) -> forms.CharField:
    """The mandatory reason of a correction or withdrawal (更正/撤销登记): stated once, kept with the record."""
    return forms.CharField(
        label=label, help_text=help_text, max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写原因。")},
    )


def add_refusal(form: forms.BaseForm, error: ValidationError, fields: dict[str, str]) -> None:
    """Puts a service's refusal on the form: under the field its code names in `fields`, else on top."""
    for item in error.error_list:
        code = item.code or ""
        field = fields.get(code)
        if field in form.fields:
            form.add_error(field, item.messages[0])
            widget = form.fields[field].widget
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
        else:
            form.add_error(None, item.messages[0])
