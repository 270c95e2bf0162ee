"""Forms of the topic review (课题评审) and of volunteers' availability."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.forms import StyledForm
from lectures.forms import VersionField
from lectures.models import ReviewSettings, TopicDecision

SCORE_CHOICES = [(str(n), str(n)) for n in range(1, 6)]


class ReviewForm(StyledForm):
    """One select 1–5 per active criterion (`score_<criterion id>`) and a comment."""

    comment = forms.CharField(
        label=_("评审意见"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, criteria: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, forms.Field] = {}
        for c in criteria:
            fields[f"score_{c.pk}"] = forms.TypedChoiceField(
                label=gettext("%(name)s（权重 %(weight)s）") % {"name": c.name, "weight": c.weight},
                choices=[("", "—"), *SCORE_CHOICES],
                coerce=int,
                required=False,
            )
        fields["comment"] = self.fields.pop("comment")
        self.fields = {**fields}
        # Styling again: the score fields were made after StyledForm.__init__.
        for name, f in self.fields.items():
            if name.startswith("score_"):
                f.widget.attrs["class"] = "form-select"

    def scores(self) -> dict[int, int]:
        return {
            int(name.removeprefix("score_")): value
            for name, value in self.cleaned_data.items()
            if name.startswith("score_") and value not in (None, "")
        }


class DecisionForm(StyledForm):
    outcome = forms.ChoiceField(
        label=_("决定"), choices=TopicDecision.Outcome.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("意见"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("退回修改和不予入库时必填；发布决定后告知申报人。"),
    )


class PhaseForm(StyledForm):
    phase = forms.ChoiceField(label=_("评审阶段"), choices=ReviewSettings.Phase.choices)
    version = VersionField()


class CriterionForm(StyledForm):
    name = forms.CharField(label=_("评审标准"), max_length=40)
    weight = forms.IntegerField(label=_("权重"), min_value=0, max_value=10, initial=1)
    active = forms.BooleanField(label=_("启用"), required=False, initial=True)
    version = VersionField()


class CriterionAddForm(StyledForm):
    name = forms.CharField(label=_("评审标准"), max_length=40)
    weight = forms.IntegerField(label=_("权重"), min_value=0, max_value=10, initial=1)


class InviteForm(StyledForm):
    user = forms.ModelChoiceField(label=_("评审专家"), queryset=None)  # type: ignore[arg-type,var-annotated]

    def __init__(self, *args: Any, users: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users  # type: ignore[attr-defined]
        self.fields["user"].label_from_instance = lambda u: (  # type: ignore[attr-defined]
            gettext("%(name)s（%(username)s）") % {"name": u.person.name, "username": u.username}
            if getattr(u, "person", None)
            else u.username
        )


WEEKDAY_CHOICES = [
    ("1", _("周一")),
    ("2", _("周二")),
    ("3", _("周三")),
    ("4", _("周四")),
    ("5", _("周五")),
    ("6", _("周六")),
    ("7", _("周日")),
]


class AvailabilityForm(StyledForm):
    weekdays = forms.MultipleChoiceField(
        label=_("每周可授课日"),
        choices=WEEKDAY_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("都不选表示每天都可以。"),
    )
    away = forms.CharField(
        label=_("不能授课的日期"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("每行一段：起始日期 截止日期 说明，例如 2026-07-01 2026-07-20 出差。"),
    )
