"""The forms of the committee actions on a unit's page. Each one feeds one service of committees.services;
the service decides what is valid history, and its refusal comes back onto the form (core.forms.add_refusal).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from committees.models import Seat
from core.forms import StyledForm, date_field, reason_field
from orgs.models import Person, Unit

MSG_PERSON_OR_NAME = _("请在名单中选择人员，或填写姓名（二者选其一）。")
MSG_NEEDS_HOLDER = _("请在名单中选择人员，或填写姓名。")

DUE_HELP = _("留空则按本妇联每届任期（{years}年）自动推算。")


class CommitteeFormForm(StyledForm):
    """组建妇委会: committee_form."""

    formed_on = date_field(_("成立日期"))
    first_term_started_on = date_field(_("第1届选举日期"), required=False, help_text=_("留空则与成立日期相同。"))
    first_term_due_on = date_field(_("第1届届满日期"), required=False)

    def __init__(self, *args: Any, term_years: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["first_term_due_on"].help_text = DUE_HELP.format(years=term_years)


class ReelectForm(StyledForm):
    """换届: term_reelect."""

    started_on = date_field(_("换届选举日期"), help_text=_("新一届的选举日期。"))
    due_on = date_field(_("新一届届满日期"), required=False)
    carry_seats = forms.BooleanField(
        label=_("原委员连任到新一届"), required=False, initial=True,
        help_text=_("不勾选：原委员全部随上一届离任，再逐一任命新一届委员。"),
    )

    def __init__(self, *args: Any, term_years: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["due_on"].help_text = DUE_HELP.format(years=term_years)


class HolderFields(StyledForm):
    """Who takes a post: someone of the unit's staff list, or a name typed by hand."""

    person = forms.ModelChoiceField(
        label=_("人员（本单位人员名单）"), queryset=Person.objects.none(), required=False,
        empty_label=_("— 从名单中选择 —"),
    )
    holder_name = forms.CharField(label=_("不在名单中时，填写姓名"), max_length=50, required=False)

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        person_field: Any = self.fields["person"]
        person_field.queryset = people

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        person, name = data.get("person"), (data.get("holder_name") or "").strip()
        if person is not None and name and name != person.name:
            self.add_error("holder_name", MSG_PERSON_OR_NAME)
        data["holder_name"] = name
        return data


class SeatAssignForm(HolderFields):
    """任命委员: seat_assign (fills the oldest open vacancy of the role)."""

    field_order = ["role", "person", "holder_name", "started_on"]
    role = forms.ChoiceField(label=_("职务"), choices=Seat.Role.choices, initial=Seat.Role.MEMBER)
    started_on = date_field(_("任职日期"))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("person") is None and not data.get("holder_name") and "holder_name" not in self.errors:
            self.add_error("person", MSG_NEEDS_HOLDER)
        return data


class SeatVacateForm(StyledForm):
    """离任: seat_vacate (opens a vacancy)."""

    vacated_on = date_field(_("离任日期"), help_text=_("从这一天起该职务缺位，补缺期限从这一天算起。"))


class VacancyFillForm(HolderFields):
    """补缺: vacancy_fill, or seat_assign of this vacancy when a holder is named."""

    field_order = ["filled_on", "person", "holder_name"]
    filled_on = date_field(_("补缺日期"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].help_text = gettext("选择或填写接任的人员，系统同时登记其任职；都不填则只登记缺位已补上。")


class CommitteeDissolveForm(StyledForm):
    """撤销妇委会: committee_dissolve."""

    dissolved_on = date_field(_("撤销日期"), help_text=_("当前届次和在任委员于这一天结束；已登记的缺位保留为历史。"))


def unit_people(user: Any, unit: Unit) -> Any:
    """The unit's staff the user may see, for the holder lists, in pinyin order like every list of people."""
    return Person.objects.visible_to(user).filter(unit=unit).order_by("name_pinyin", "name", "id")


# ---- corrections (更正) and withdrawals (撤销登记): each asks for the reason -----------------------------

CORRECTION_DUE_HELP = _("留空则按新的选举日期和每届任期（%(years)s年）推算；选举日期不变时保留原届满日期。")


class FormationCorrectForm(StyledForm):
    """更正组建: committee_formation_correct."""

    formed_on = date_field(_("成立日期"))
    first_term_started_on = date_field(_("第1届选举日期"), required=False,
                                       help_text=_("留空：原来与成立日期相同的，随成立日期更正；否则保持不变。"))
    first_term_due_on = date_field(_("第1届届满日期"), required=False)
    reason = reason_field()

    def __init__(self, *args: Any, term_years: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["first_term_due_on"].help_text = CORRECTION_DUE_HELP % {"years": term_years}


class TermCorrectForm(StyledForm):
    """更正换届 (or the first term): term_correct."""

    started_on = date_field(_("选举日期"))
    due_on = date_field(_("届满日期"), required=False)
    reason = reason_field()

    def __init__(self, *args: Any, term_years: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["due_on"].help_text = CORRECTION_DUE_HELP % {"years": term_years}


class SeatCorrectForm(HolderFields):
    """更正任职: seat_correct."""

    field_order = ["role", "person", "holder_name", "started_on", "reason"]
    role = forms.ChoiceField(label=_("职务"), choices=Seat.Role.choices)
    started_on = date_field(_("任职日期"))
    reason = reason_field()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("person") is None and not data.get("holder_name") and "holder_name" not in self.errors:
            self.add_error("person", MSG_NEEDS_HOLDER)
        return data


class VacancyCorrectForm(StyledForm):
    """更正缺位: vacancy_correct (the post only for a vacancy recorded without a seat)."""

    vacated_on = date_field(_("缺位日期"))
    role = forms.ChoiceField(label=_("职务"), choices=Seat.Role.choices)
    reason = reason_field()

    def __init__(self, *args: Any, role_editable: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not role_editable:
            del self.fields["role"]


class FillCorrectForm(StyledForm):
    """更正补缺: vacancy_fill_correct."""

    filled_on = date_field(_("补充日期"))
    reason = reason_field()


class DissolutionCorrectForm(StyledForm):
    """更正撤销妇委会: committee_dissolution_correct."""

    dissolved_on = date_field(_("撤销日期"))
    reason = reason_field()


class WithdrawForm(StyledForm):
    """撤销登记 of any event: only the reason."""

    reason = reason_field(label=_("撤销登记的原因"))
