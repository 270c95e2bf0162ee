"""The committee actions of a unit's page: 组建妇委会, 换届, 任命委员, 离任, 补缺, 撤销妇委会.

Each action is a plain page with one form (it works on a phone and without JavaScript). The object in
the URL is fetched for the action "change" (core.views.ObjectActionView): another unit's liaison gets 404, a user who
may see it but not change it 403. The form feeds one service of committees.services; a refusal comes
back on the form with nothing written, a success is a message on the unit page.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Model
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from committees import forms as cf
from committees import services
from committees.models import Committee, Seat, Vacancy
from committees.rules import vacancy_deadline
from core import clock
from core.forms import StyledForm
from core.views import ObjectActionView
from orgs.models import Unit


def _d(day: dt.date) -> str:
    return day.isoformat()


class CommitteeActionView(ObjectActionView):
    """A committee action on a unit's page: the core action page, with the unit in the breadcrumbs and back
    to the unit's committee panel on success."""

    def unit_of(self, obj: Any) -> Unit:
        raise NotImplementedError

    @property
    def unit(self) -> Unit:
        return self.unit_of(self.object)

    @property
    def today(self) -> dt.date:
        return clock.today()

    def get_success_url(self) -> str:
        return reverse("orgs:unit-detail", args=[self.unit.pk]) + "#committee"

    def get_cancel_url(self) -> str:
        return reverse("orgs:unit-detail", args=[self.unit.pk])

    def extra_context(self) -> dict[str, Any]:
        return {
            "subject": self.unit.name,
            "breadcrumbs": [(gettext("单位名录"), reverse("orgs:unit-list")),
                            (self.unit.name, reverse("orgs:unit-detail", args=[self.unit.pk]))],
        }


class OnCommittee(CommitteeActionView):
    model = Committee

    def unit_of(self, obj: Any) -> Unit:
        return obj.unit

    @property
    def committee(self) -> Committee:
        return self.object  # type: ignore[return-value]

    def facts(self) -> list[tuple[str, str]]:
        c = self.committee
        term = c.terms.order_by("-number").first()
        out = [(gettext("妇委会成立日期"), _d(c.formed_on))]
        if c.dissolved_on:
            out.append((gettext("妇委会撤销日期"), _d(c.dissolved_on)))
        if term is not None:
            out.append((gettext("当前届次"), gettext("第%(n)s届（%(started)s 选举，%(due)s 届满）")
                        % {"n": term.number, "started": _d(term.started_on), "due": _d(term.due_on)}))
        return out


class CommitteeFormView(CommitteeActionView):
    """组建妇委会 for a unit without a standing committee."""

    model = Unit
    title = _("组建妇委会")
    intro = _("登记本单位妇委会的成立，同时建立第1届。")
    submit_label = _("登记组建")
    fields_by_code = {
        "formed_before_unit": "formed_on", "formed_after_unit_dissolved": "formed_on", "committee_overlap": "formed_on",
        "before_formed": "first_term_started_on", "due_not_after_start": "first_term_due_on",
        "formed_in_future": "formed_on", "elected_in_future": "first_term_started_on",
    }

    def unit_of(self, obj: Any) -> Unit:
        return obj

    def make_form(self, data: Any = None) -> StyledForm:
        return cf.CommitteeFormForm(data, term_years=self.unit.federation.term_length_years)

    def facts(self) -> list[tuple[str, str]]:
        u = self.unit
        return [(gettext("单位成立日期"), _d(u.established_on) if u.established_on else "—")]

    def perform(self, form: StyledForm) -> str:
        d = form.cleaned_data
        committee = services.committee_form(
            unit=self.unit, formed_on=d["formed_on"], first_term_started_on=d["first_term_started_on"],
            first_term_due_on=d["first_term_due_on"], acting_user=self.request.user,
        )
        term = committee.terms.get()
        return gettext(
            "已登记组建妇委会（%(formed)s 成立）：第1届 %(started)s 选举，%(due)s 届满。下一步请任命主任、副主任和委员。"
        ) % {"formed": _d(committee.formed_on), "started": _d(term.started_on), "due": _d(term.due_on)}


class TermReelectView(OnCommittee):
    """换届."""

    title = _("换届")
    intro = _("登记新一届妇委会的选举（换届）：上一届在选举当天结束，新一届从这一天开始。届满前换届也算按时。")
    submit_label = _("登记换届")
    fields_by_code = {
        "before_formed": "started_on", "term_before_previous": "started_on", "term_overlap": "started_on",
        "due_not_after_start": "due_on", "elected_in_future": "started_on",
    }

    def make_form(self, data: Any = None) -> StyledForm:
        return cf.ReelectForm(data, term_years=self.committee.federation.term_length_years)

    def perform(self, form: StyledForm) -> str:
        d = form.cleaned_data
        term = services.term_reelect(
            committee=self.committee, started_on=d["started_on"], due_on=d["due_on"],
            carry_seats=d["carry_seats"], acting_user=self.request.user,
        )
        carried = Seat.objects.filter(term=term, started_on=term.started_on).count()
        if d["carry_seats"]:
            seats = (
                ngettext("原 %(count)s 名委员连任到第%(n)s届。", "原 %(count)s 名委员连任到第%(n)s届。", carried)
                % {"count": carried, "n": term.number}
                if carried
                else gettext("上一届没有在任委员，请任命新一届委员。")
            )
        else:
            seats = gettext("上一届委员已全部离任，请任命新一届委员。")
        return gettext("已登记换届：第%(n)s届 %(started)s 选举，%(due)s 届满。%(seats)s") % {
            "n": term.number, "started": _d(term.started_on), "due": _d(term.due_on), "seats": seats,
        }


class SeatAssignView(OnCommittee):
    """任命委员: fills the oldest open vacancy of the role automatically."""

    title = _("任命委员")
    intro = _("登记一名主任、副主任或委员的任职。若该职务有尚未补上的缺位，系统自动把最早的一个登记为已补上。")
    submit_label = _("登记任职")
    fields_by_code = {
        "before_formed": "started_on", "needs_holder": "person", "other_federation": "person",
        "holds_post": "person", "chair_taken": "role", "seat_in_future": "started_on",
    }

    def make_form(self, data: Any = None) -> StyledForm:
        return cf.SeatAssignForm(data, people=cf.unit_people(self.request.user, self.unit))

    def perform(self, form: StyledForm) -> str:
        d = form.cleaned_data
        seat = services.seat_assign(
            committee=self.committee, role=d["role"], person=d["person"], holder_name=d["holder_name"],
            started_on=d["started_on"], acting_user=self.request.user,
        )
        return seat_message(seat)


def seat_message(seat: Seat) -> str:
    role = seat.get_role_display()
    message = gettext("已登记 %(name)s 任%(post)s（%(day)s 起）。") % {
        "name": seat.holder_name, "post": role, "day": _d(seat.started_on),
    }
    filled = Vacancy.objects.filter(filled_by=seat).select_related("federation").first()
    if filled is not None:
        days = (seat.started_on - filled.vacated_on).days
        deadline = vacancy_deadline(filled.vacated_on, filled.federation.vacancy_fill_days)
        timely = (
            gettext("在补缺期限内")
            if seat.started_on <= deadline
            else gettext("超过补缺期限（%(deadline)s）") % {"deadline": _d(deadline)}
        )
        message += ngettext(
            "同时补上了 %(day)s 起的%(post)s缺位：缺位 %(days)s 天，%(timely)s。",
            "同时补上了 %(day)s 起的%(post)s缺位：缺位 %(days)s 天，%(timely)s。",
            days,
        ) % {"day": _d(filled.vacated_on), "post": role, "days": days, "timely": timely}
    return message


class CommitteeDissolveView(OnCommittee):
    """撤销妇委会."""

    title = _("撤销妇委会")
    intro = _("撤销后，本单位显示为“未组建”，计入组建率的分子也相应减少。单位撤销或合并时请改用“撤销/合并单位”。")
    submit_label = _("确认撤销妇委会")
    danger = True
    fields_by_code = {"dissolved_before_formed": "dissolved_on", "dissolved_before_term": "dissolved_on",
                      "dissolved_in_future": "dissolved_on"}

    def make_form(self, data: Any = None) -> StyledForm:
        return cf.CommitteeDissolveForm(data)

    def perform(self, form: StyledForm) -> str:
        c = services.committee_dissolve(
            committee=self.committee, dissolved_on=form.cleaned_data["dissolved_on"], acting_user=self.request.user
        )
        return gettext("已登记撤销妇委会（%(day)s）；当前届次和在任委员于当天结束。") % {
            "day": _d(c.dissolved_on)  # type: ignore[arg-type]
        }


class SeatVacateView(CommitteeActionView):
    """离任: the seat ends and a vacancy opens."""

    model = Seat
    title = _("登记离任")
    intro = _("登记该委员离任。离任后该职务缺位，须在补缺期限内补上。")
    submit_label = _("登记离任")
    fields_by_code = {"vacated_before_start": "vacated_on", "vacated_in_future": "vacated_on"}

    def unit_of(self, obj: Any) -> Unit:
        return obj.committee.unit

    def get_object(self, queryset: Any = None) -> Model:
        seat: Seat = super().get_object(queryset)  # type: ignore[assignment]
        return Seat.objects.select_related("committee__unit", "committee__federation", "term").get(pk=seat.pk)

    def facts(self) -> list[tuple[str, str]]:
        s: Seat = self.object  # type: ignore[assignment]
        term = gettext("（第%(n)s届）") % {"n": s.term.number} if s.term else ""
        out = [(gettext("职务"), s.get_role_display()), (gettext("姓名"), s.holder_name or "—"), (gettext("任职日期"), _d(s.started_on) + term)]
        if s.ended_on:
            out.append((gettext("离任日期"), _d(s.ended_on)))
        return out

    def make_form(self, data: Any = None) -> StyledForm:
        return cf.SeatVacateForm(data)

    def perform(self, form: StyledForm) -> str:
        vacancy = services.seat_vacate(seat=self.object, vacated_on=form.cleaned_data["vacated_on"],  # type: ignore[arg-type]
                                       acting_user=self.request.user)
        fill_days = self.unit.federation.vacancy_fill_days
        deadline = vacancy_deadline(vacancy.vacated_on, fill_days)
        return ngettext(
            "已登记 %(name)s 于 %(day)s 离任%(post)s。该职务缺位，请在 %(deadline)s 前补上（补缺期限 %(days)s 天）。",
            "已登记 %(name)s 于 %(day)s 离任%(post)s。该职务缺位，请在 %(deadline)s 前补上（补缺期限 %(days)s 天）。",
            fill_days,
        ) % {
            "name": self.object.holder_name,  # type: ignore[attr-defined]
            "day": _d(vacancy.vacated_on), "post": vacancy.get_role_display(),
            "deadline": _d(deadline), "days": fill_days,
        }


class VacancyFillView(CommitteeActionView):
    """补缺 of this vacancy: with the new holder (a seat) or just the date."""

    model = Vacancy
    title = _("补缺")
    intro = _("登记这个缺位已补上。填写接任人员时，系统同时登记其任职。")
    submit_label = _("登记补缺")
    fields_by_code = {
        "filled_before_vacated": "filled_on", "before_formed": "filled_on", "needs_holder": "person",
        "other_federation": "person", "holds_post": "person", "chair_taken": "person",
        "filled_in_future": "filled_on", "seat_in_future": "filled_on",
    }

    def unit_of(self, obj: Any) -> Unit:
        return obj.committee.unit

    def get_object(self, queryset: Any = None) -> Model:
        vacancy: Vacancy = super().get_object(queryset)  # type: ignore[assignment]
        return Vacancy.objects.select_related("committee__unit", "committee__federation").get(pk=vacancy.pk)

    def facts(self) -> list[tuple[str, str]]:
        v: Vacancy = self.object  # type: ignore[assignment]
        fill_days = v.committee.federation.vacancy_fill_days
        deadline = vacancy_deadline(v.vacated_on, fill_days)
        out = [(gettext("职务"), str(v.get_role_display())), (gettext("缺位日期"), _d(v.vacated_on)), (gettext("补缺期限"), ngettext("%(deadline)s（%(days)s 天）", "%(deadline)s（%(days)s 天）", fill_days) % {
            "deadline": _d(deadline), "days": fill_days})]
        if v.filled_on:
            out.append((gettext("补充日期"), _d(v.filled_on)))
        return out

    def make_form(self, data: Any = None) -> StyledForm:
        return cf.VacancyFillForm(data, people=cf.unit_people(self.request.user, self.unit))

    def perform(self, form: StyledForm) -> str:
        d = form.cleaned_data
        vacancy: Vacancy = self.object  # type: ignore[assignment]
        if d["person"] is None and not d["holder_name"]:
            vacancy = services.vacancy_fill(vacancy=vacancy, filled_on=d["filled_on"], acting_user=self.request.user)
            days = (d["filled_on"] - vacancy.vacated_on).days
            return ngettext(
                "已登记 %(vacated)s 起的%(post)s缺位于 %(filled)s 补上（缺位 %(days)s 天）。",
                "已登记 %(vacated)s 起的%(post)s缺位于 %(filled)s 补上（缺位 %(days)s 天）。",
                days,
            ) % {"vacated": _d(vacancy.vacated_on), "post": vacancy.get_role_display(), "filled": _d(d["filled_on"]),
                 "days": days}
        seat = services.seat_assign(
            committee=vacancy.committee, role=vacancy.role, person=d["person"], holder_name=d["holder_name"],
            started_on=d["filled_on"], vacancy=vacancy, acting_user=self.request.user,
        )
        return seat_message(seat)
