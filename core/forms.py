"""Forms that carry the row version so that a stale edit is refused, not saved over a newer one."""

from __future__ import annotations

from typing import Any

from django import forms


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
    """Adds a hidden `version`; saving with a stale one raises core.models.ConcurrentEditError."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and not self.is_bound:
            self.initial["version"] = self.instance.version

    def _post_clean(self) -> None:
        super()._post_clean()  # type: ignore[misc]
        version = self.cleaned_data.get("version") if hasattr(self, "cleaned_data") else None
        if self.instance.pk is not None and version is not None:
            self.instance.version = version
