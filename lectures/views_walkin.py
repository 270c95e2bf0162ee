"""现场登记: a walk-in added at the check-in page by whoever checks people in (lectures.walkin)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import clock
from core.forms import StyledForm
from lectures import walkin
from lectures.views import OnLecture
from orgs.models import Unit


class WalkInForm(StyledForm):
    name = forms.CharField(
        label=_("姓名"), max_length=50, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    unit = forms.ModelChoiceField(  # type: ignore[var-annotated]
        label=_("工作单位"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("（不属于机关单位，例如社区居民）"),
        help_text=_("出席记入所选单位（量化自查第 6 项读取）。"),
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class LectureWalkInView(OnLecture):
    """现场登记 on the lecture's day: registered and attended at once, whatever the count."""

    action = "checkin"
    title = _("现场登记")
    submit_label = _("登记并签到")
    intro = _("为未报名、到场参加的人员登记；登记即记为出席，不占报名名额。")
    fields_by_code = {
        "name_required": "name",
        "already_registered": "name",
        "unit_outside": "unit",
        "too_early": "name",
    }

    def make_form(self, data: Any = None) -> Any:
        units = (
            Unit.objects.visible_to(self.request.user)
            .filter(federation_id=self.object.federation_id)
            .active_on(clock.today())
            .order_by("name")
        )
        return WalkInForm(data, units=units)

    def perform(self, form: Any) -> str:
        reg = walkin.registration_walk_in(
            lecture=self.object,
            name=form.cleaned_data["name"],
            unit=form.cleaned_data["unit"],
            acting_user=self.request.user,
        )
        return gettext("%(name)s 已现场登记并签到。") % {"name": reg.person.name}

    def get_success_url(self) -> str:
        return reverse("lectures:lecture-checkin", args=[self.object.pk])

    def extra_context(self) -> dict[str, Any]:
        context = super().extra_context()
        context["breadcrumbs"] = [
            *context["breadcrumbs"],
            (gettext("现场签到"), reverse("lectures:lecture-checkin", args=[self.object.pk])),
        ]
        return context
