"""Correcting (更正) and withdrawing (撤销登记) recorded events, from the unit's history page (历届情况).

One page per event and verb, each an ObjectActionView on the record itself, fetched for the committee
rows' "change" action (whoever may record the event may correct it): out of scope 404, visible but not
changeable 403. Every page asks for the reason; the service (committees.services) re-checks the whole
history and refuses with a located message, writing nothing; success goes back to the history page,
whose 更正记录 section then shows the correction.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Model
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from committees import forms as cf
from committees import services
from committees.models import Committee, Seat, Term, Vacancy
from committees.rules import vacancy_deadline
from committees.views_actions import CommitteeActionView
from core.forms import StyledForm
from orgs.models import Unit

# Where each refusal goes on the forms (the rest come above the form).
COMMON_FIELDS = {"reason_required": "reason"}


def _d(day: dt.date | None) -> str:
    return day.isoformat() if day else "—"


class CorrectionView(CommitteeActionView):
    """The history page's correction pages: back to the history, with it in the breadcrumbs."""

    related: tuple[str, ...] = ()
    intro_withdraw = _("撤销登记后，系统按这条登记从未发生处理，统计和提醒随之更新。撤销的原因会记入历届情况和审计日志。")

    def get_object(self, queryset: Any = None) -> Model:
        obj = super().get_object(queryset)
        return type(obj)._default_manager.select_related(*self.related).get(pk=obj.pk)

    def get_success_url(self) -> str:
        return reverse("committees:unit-history", args=[self.unit.pk]) + "#corrections"

    def get_cancel_url(self) -> str:
        return reverse("committees:unit-history", args=[self.unit.pk])

    def extra_context(self) -> dict[str, Any]:
        context = super().extra_context()
        context["breadcrumbs"] = [*context["breadcrumbs"],
                                  (gettext("历届情况"), reverse("committees:unit-history", args=[self.unit.pk]))]
        return context


# ---- formation ------------------------------------------------------------------------------------


class OnCommitteeRecord(CorrectionView):
    model = Committee
    related = ("unit", "federation")

    def unit_of(self, obj: Any) -> Unit:
        return obj.unit

    @property
    def committee(self) -> Committee:
        return self.object  # type: ignore[no-any-return]

    def first_term(self) -> Term | None:
        return self.committee.terms.order_by("number").first()

    def facts(self) -> list[tuple[str, str]]:
        c = self.committee
        out = [(gettext("成立日期"), _d(c.formed_on))]
        first = self.first_term()
        if first is not None:
            out.append((gettext("第1届"), gettext("%(start)s 选举，%(due)s 届满") % {
                "start": _d(first.started_on), "due": _d(first.due_on)}))
        if c.dissolved_on:
            out.append((gettext("撤销日期"), _d(c.dissolved_on)))
        return out


class FormationCorrectView(OnCommitteeRecord):
    title = _("更正组建登记")
    intro = _("更正妇委会的成立日期和第1届的日期。与原第1届同日任职的委员随之更正。")
    submit_label = _("保存更正")
    fields_by_code = {
        **COMMON_FIELDS, "formed_before_unit": "formed_on", "formed_after_unit_dissolved": "formed_on",
        "committee_overlap": "formed_on", "before_formed": "formed_on", "due_not_after_start": "first_term_due_on",
    }

    def make_form(self, data: Any = None) -> StyledForm:
        first = self.first_term()
        initial = {"formed_on": self.committee.formed_on}
        if first is not None:
            initial |= {"first_term_started_on": first.started_on, "first_term_due_on": first.due_on}
        return cf.FormationCorrectForm(data, initial=initial, term_years=self.committee.federation.term_length_years)

    def perform(self, form: StyledForm) -> str:
        d = form.cleaned_data
        c = services.committee_formation_correct(
            committee=self.committee, formed_on=d["formed_on"], first_term_started_on=d["first_term_started_on"],
            first_term_due_on=d["first_term_due_on"], reason=d["reason"], acting_user=self.request.user,
        )
        return gettext("已更正组建登记：妇委会 %(day)s 成立。") % {"day": _d(c.formed_on)}


class FormationWithdrawView(OnCommitteeRecord):
    title = _("撤销组建登记")
    intro = CorrectionView.intro_withdraw
    submit_label = _("确认撤销组建登记")
    danger = True
    fields_by_code = COMMON_FIELDS

    def make_form(self, data: Any = None) -> StyledForm:
        return cf.WithdrawForm(data)

    def extra_context(self) -> dict[str, Any]:
        n = services.formation_withdrawal_consequences(self.committee)
        line = gettext("这个妇委会的全部记录将一并删除：%(terms)s 个届次、%(seats)s 条任职记录、%(vacancies)s 个缺位。") % n
        return {**super().extra_context(), "warnings": [line]}

    def perform(self, form: StyledForm) -> str:
        day = _d(self.committee.formed_on)
        services.committee_formation_withdraw(committee=self.committee, reason=form.cleaned_data["reason"],
                                              acting_user=self.request.user)
        return gettext("已撤销 %(day)s 成立妇委会的登记。") % {"day": day}


# ---- dissolution ----------------------------------------------------------------------------------


class DissolutionCorrectView(OnCommitteeRecord):
    title = _("更正撤销妇委会的登记")
    intro = _("更正妇委会的撤销日期。当时随撤销结束的届次和委员任职随之更正。")
    submit_label = _("保存更正")
    fields_by_code = {**COMMON_FIELDS, "dissolved_before_formed": "dissolved_on",
                      "term_after_dissolved": "dissolved_on", "after_dissolved": "dissolved_on",
                      "committee_outlives_unit": "dissolved_on", "in_future": "dissolved_on"}

    def make_form(self, data: Any = None) -> StyledForm:
        return cf.DissolutionCorrectForm(data, initial={"dissolved_on": self.committee.dissolved_on})

    def perform(self, form: StyledForm) -> str:
        c = services.committee_dissolution_correct(
            committee=self.committee, dissolved_on=form.cleaned_data["dissolved_on"],
            reason=form.cleaned_data["reason"], acting_user=self.request.user,
        )
        return gettext("已更正：妇委会于 %(day)s 撤销。") % {"day": _d(c.dissolved_on)}


class DissolutionWithdrawView(OnCommitteeRecord):
    title = _("撤销“撤销妇委会”的登记")
    intro = _("妇委会并未撤销时使用：撤销登记后妇委会恢复存续，当时随撤销结束的届次和委员任职恢复在任。")
    submit_label = _("确认撤销这条登记")
    danger = True
    fields_by_code = COMMON_FIELDS

    def make_form(self, data: Any = None) -> StyledForm:
        return cf.WithdrawForm(data)

    def perform(self, form: StyledForm) -> str:
        services.committee_dissolution_withdraw(committee=self.committee, reason=form.cleaned_data["reason"],
                                                acting_user=self.request.user)
        return gettext("已撤销“撤销妇委会”的登记：妇委会恢复存续。")


# ---- terms ----------------------------------------------------------------------------------------


class OnTerm(CorrectionView):
    model = Term
    related = ("committee__unit", "committee__federation")

    def unit_of(self, obj: Any) -> Unit:
        return obj.committee.unit

    @property
    def term(self) -> Term:
        return self.object  # type: ignore[no-any-return]

    def facts(self) -> list[tuple[str, str]]:
        t = self.term
        return [(gettext("届次"), gettext("第%(n)s届") % {"n": t.number}), (gettext("选举日期"), _d(t.started_on)),
                (gettext("届满日期"), _d(t.due_on)), (gettext("结束日期"), _d(t.ended_on))]


class TermCorrectView(OnTerm):
    title = _("更正换届登记")
    intro = _("更正这一届的选举日期或届满日期。上一届的结束日期、同日连任或任职的委员随之更正。")
    submit_label = _("保存更正")
    fields_by_code = {**COMMON_FIELDS, "term_before_previous": "started_on", "before_formed": "started_on",
                      "term_after_dissolved": "started_on", "in_future": "started_on",
                      "due_not_after_start": "due_on"}

    def make_form(self, data: Any = None) -> StyledForm:
        return cf.TermCorrectForm(data, initial={"started_on": self.term.started_on, "due_on": self.term.due_on},
                                  term_years=self.term.committee.federation.term_length_years)

    def perform(self, form: StyledForm) -> str:
        d = form.cleaned_data
        t = services.term_correct(term=self.term, started_on=d["started_on"], due_on=d["due_on"], reason=d["reason"],
                                  acting_user=self.request.user)
        return gettext("已更正第%(n)s届：%(start)s 选举，%(due)s 届满。") % {
            "n": t.number, "start": _d(t.started_on), "due": _d(t.due_on)}


class TermWithdrawView(OnTerm):
    title = _("撤销换届登记")
    intro = _("换届并未举行时使用：撤销后上一届继续在任，随换届连任的委员恢复为上一届的任职。只能撤销最近一次换届。")
    submit_label = _("确认撤销换届登记")
    danger = True
    fields_by_code = COMMON_FIELDS

    def make_form(self, data: Any = None) -> StyledForm:
        return cf.WithdrawForm(data)

    def perform(self, form: StyledForm) -> str:
        n = self.term.number
        services.term_withdraw(term=self.term, reason=form.cleaned_data["reason"], acting_user=self.request.user)
        return gettext("已撤销第%(n)s届的换届登记：第%(p)s届继续在任。") % {"n": n, "p": n - 1}


# ---- seats ----------------------------------------------------------------------------------------


class OnSeat(CorrectionView):
    model = Seat
    related = ("committee__unit", "committee__federation", "term")

    def unit_of(self, obj: Any) -> Unit:
        return obj.committee.unit

    @property
    def seat(self) -> Seat:
        return self.object  # type: ignore[no-any-return]

    def facts(self) -> list[tuple[str, str]]:
        s = self.seat
        out = [(gettext("职务"), str(s.get_role_display())), (gettext("姓名"), s.holder_name or "—"),
               (gettext("任职日期"), _d(s.started_on))]
        if s.ended_on:
            out.append((gettext("离任日期"), _d(s.ended_on)))
        return out


class SeatCorrectView(OnSeat):
    title = _("更正任职登记")
    intro = _("更正职务、任职人员或任职日期。这次任职补上的缺位，补充日期随之更正。离任日期请在缺位登记中更正。")
    submit_label = _("保存更正")
    fields_by_code = {**COMMON_FIELDS, "before_formed": "started_on", "in_future": "started_on",
                      "chair_taken": "role", "holds_post": "person", "needs_holder": "person",
                      "other_federation": "person", "vacancy_other_role": "role", "ends_before_start": "started_on"}

    def make_form(self, data: Any = None) -> StyledForm:
        s = self.seat
        return cf.SeatCorrectForm(data, people=cf.unit_people(self.request.user, self.unit), initial={
            "role": s.role, "person": s.person_id, "holder_name": s.holder_name, "started_on": s.started_on})

    def perform(self, form: StyledForm) -> str:
        d = form.cleaned_data
        s = services.seat_correct(seat=self.seat, started_on=d["started_on"], role=d["role"], person=d["person"],
                                  holder_name=d["holder_name"], reason=d["reason"], acting_user=self.request.user)
        return gettext("已更正任职：%(name)s 任%(post)s（%(day)s 起）。") % {
            "name": s.holder_name, "post": s.get_role_display(), "day": _d(s.started_on)}


class SeatWithdrawView(OnSeat):
    title = _("撤销任职登记")
    intro = _("这次任职并未发生时使用：任职记录删除（包括随换届连任的记录），它补上的缺位恢复为未补。")
    submit_label = _("确认撤销任职登记")
    danger = True
    fields_by_code = COMMON_FIELDS

    def make_form(self, data: Any = None) -> StyledForm:
        return cf.WithdrawForm(data)

    def perform(self, form: StyledForm) -> str:
        name, post = self.seat.holder_name, self.seat.get_role_display()
        services.seat_withdraw(seat=self.seat, reason=form.cleaned_data["reason"], acting_user=self.request.user)
        return gettext("已撤销 %(name)s 任%(post)s的登记。") % {"name": name, "post": post}


# ---- vacancies and fills --------------------------------------------------------------------------


class OnVacancy(CorrectionView):
    model = Vacancy
    related = ("committee__unit", "committee__federation", "filled_by")

    def unit_of(self, obj: Any) -> Unit:
        return obj.committee.unit

    @property
    def vacancy(self) -> Vacancy:
        return self.object  # type: ignore[no-any-return]

    def facts(self) -> list[tuple[str, str]]:
        v = self.vacancy
        fill_days = v.committee.federation.vacancy_fill_days
        out = [(gettext("职务"), str(v.get_role_display())), (gettext("缺位日期"), _d(v.vacated_on)),
               (gettext("补缺期限"), gettext("%(day)s（%(n)s 天）") % {
                   "day": _d(vacancy_deadline(v.vacated_on, fill_days)), "n": fill_days})]
        if v.filled_on:
            who = v.filled_by.holder_name if v.filled_by else ""
            out.append((gettext("补充日期"), f"{_d(v.filled_on)} {who}".strip()))
        return out


class VacancyCorrectView(OnVacancy):
    title = _("更正缺位登记")
    intro = _("更正缺位（离任）的日期。离任委员的离任日期随之更正，补缺期限从新的日期算起。")
    submit_label = _("保存更正")
    fields_by_code = {**COMMON_FIELDS, "before_formed": "vacated_on", "after_dissolved": "vacated_on",
                      "in_future": "vacated_on", "filled_before_vacated": "vacated_on",
                      "ends_before_start": "vacated_on"}

    def make_form(self, data: Any = None) -> StyledForm:
        v = self.vacancy
        return cf.VacancyCorrectForm(data, initial={"vacated_on": v.vacated_on, "role": v.role},
                                     role_editable=v.seat_id is None)

    def perform(self, form: StyledForm) -> str:
        d = form.cleaned_data
        v = services.vacancy_correct(vacancy=self.vacancy, vacated_on=d["vacated_on"], role=d.get("role"),
                                     reason=d["reason"], acting_user=self.request.user)
        return gettext("已更正：%(post)s自 %(day)s 缺位。") % {"post": v.get_role_display(), "day": _d(v.vacated_on)}


class VacancyWithdrawView(OnVacancy):
    title = _("撤销缺位登记")
    intro = _("委员并未离任时使用：缺位删除，离任的委员恢复在任，直到她所在届次结束。已补上的缺位请先撤销补缺登记。")
    submit_label = _("确认撤销缺位登记")
    danger = True
    fields_by_code = COMMON_FIELDS

    def make_form(self, data: Any = None) -> StyledForm:
        return cf.WithdrawForm(data)

    def perform(self, form: StyledForm) -> str:
        post, day = self.vacancy.get_role_display(), _d(self.vacancy.vacated_on)
        services.vacancy_withdraw(vacancy=self.vacancy, reason=form.cleaned_data["reason"],
                                  acting_user=self.request.user)
        return gettext("已撤销 %(day)s 起的%(post)s缺位登记。") % {"day": day, "post": post}


class FillCorrectView(OnVacancy):
    title = _("更正补缺登记")
    intro = _("更正缺位补上的日期。接任委员的任职日期随之更正。")
    submit_label = _("保存更正")
    fields_by_code = {**COMMON_FIELDS, "filled_before_vacated": "filled_on", "in_future": "filled_on",
                      "before_formed": "filled_on", "not_filled": "filled_on", "chair_taken": "filled_on",
                      "holds_post": "filled_on"}

    def make_form(self, data: Any = None) -> StyledForm:
        return cf.FillCorrectForm(data, initial={"filled_on": self.vacancy.filled_on})

    def perform(self, form: StyledForm) -> str:
        v = services.vacancy_fill_correct(vacancy=self.vacancy, filled_on=form.cleaned_data["filled_on"],
                                          reason=form.cleaned_data["reason"], acting_user=self.request.user)
        return gettext("已更正：%(post)s缺位于 %(day)s 补上。") % {"post": v.get_role_display(), "day": _d(v.filled_on)}


class FillWithdrawView(OnVacancy):
    title = _("撤销补缺登记")
    intro = _("缺位其实尚未补上时使用：缺位恢复为未补；补缺时登记的接任委员的任职一并撤销。")
    submit_label = _("确认撤销补缺登记")
    danger = True
    fields_by_code = COMMON_FIELDS

    def make_form(self, data: Any = None) -> StyledForm:
        return cf.WithdrawForm(data)

    def extra_context(self) -> dict[str, Any]:
        context = super().extra_context()
        filler = self.vacancy.filled_by
        if filler is not None:
            context["warnings"] = [gettext("%(name)s任%(post)s（%(day)s 起）的任职登记将一并撤销。") % {
                "name": filler.holder_name, "post": filler.get_role_display(), "day": _d(filler.started_on)}]
        return context

    def perform(self, form: StyledForm) -> str:
        post = self.vacancy.get_role_display()
        services.vacancy_fill_withdraw(vacancy=self.vacancy, reason=form.cleaned_data["reason"],
                                       acting_user=self.request.user)
        return gettext("已撤销补缺登记：%(post)s缺位恢复为未补。") % {"post": post}
