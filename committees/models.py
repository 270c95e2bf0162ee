"""Committees, their terms, seats and vacancies: the dated history the three rates are computed from."""

from __future__ import annotations

from typing import Any, Self

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.models import TrackedModel
from core.scoping import Scope, ScopedQuerySet, unit_rows_changeable_q, unit_rows_q


class CommitteeScopedQuerySet(ScopedQuerySet):
    """Committee rows: the federation-wide roles see their federation's, a unit's liaison their unit's;
    the federation's staff and the unit's liaison record them (change)."""

    unit_path = "committee__unit_id"

    def view_rule(self, scope: Scope) -> Self:
        return self.filter(unit_rows_q(scope, self.unit_path))

    def change_rule(self, scope: Scope) -> Self:
        return self.filter(unit_rows_changeable_q(scope, self.unit_path))


class CommitteeQuerySet(CommitteeScopedQuerySet):
    unit_path = "unit_id"


class Committee(TrackedModel):
    """A women's committee (妇委会) of one unit."""

    federation = models.ForeignKey("orgs.Federation", on_delete=models.PROTECT, related_name="committees")
    unit = models.ForeignKey("orgs.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="committees")
    formed_on = models.DateField(_("成立日期"))
    dissolved_on = models.DateField(_("撤销日期"), null=True, blank=True)

    objects = CommitteeQuerySet.as_manager()

    class Meta:
        ordering = ["unit__name", "formed_on"]
        verbose_name = _("妇委会")
        verbose_name_plural = _("妇委会")
        constraints = [
            models.CheckConstraint(
                condition=Q(dissolved_on__isnull=True) | Q(dissolved_on__gte=F("formed_on")),
                name="committee_dissolved_after_formed",
            ),
            # A unit has at most one committee that has not been dissolved.
            models.UniqueConstraint(
                fields=["unit"], condition=Q(dissolved_on__isnull=True), name="committee_one_active_per_unit"
            ),
        ]
        indexes = [
            models.Index(fields=["federation", "formed_on"], name="committee_fed_formed"),
            # A unit's committees, newest first (the unit page): without it SQLite walks the federation's.
            models.Index(fields=["federation", "unit", "formed_on"], name="committee_fed_unit_formed"),
        ]

    def __str__(self) -> str:
        return gettext("%(unit)s妇委会") % {"unit": self.unit}


class Term(TrackedModel):
    """One term (届) of a committee: 第N届, from its election to its planned end."""

    federation = models.ForeignKey("orgs.Federation", on_delete=models.PROTECT, related_name="+")
    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="terms")
    number = models.PositiveSmallIntegerField(_("届次"))
    started_on = models.DateField(_("选举日期"))
    due_on = models.DateField(_("届满日期"))
    # Set when the next term starts (换届) or the committee ends; null while current.
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)

    objects = CommitteeScopedQuerySet.as_manager()

    class Meta:
        ordering = ["committee_id", "number"]
        verbose_name = _("届次")
        verbose_name_plural = _("届次")
        constraints = [
            models.UniqueConstraint(fields=["committee", "number"], name="term_number_unique"),
            models.CheckConstraint(condition=Q(due_on__gt=F("started_on")), name="term_due_after_start"),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")), name="term_ended_after_start"
            ),
        ]
        # Reminders and the overdue list look terms up by their planned end.
        indexes = [
            models.Index(fields=["federation", "due_on"], name="term_fed_due"),
            models.Index(fields=["federation", "ended_on", "due_on"], name="term_fed_open_due"),
            # The running terms alone, by their planned end: the dashboard's first overdue terms. With
            # statistics PostgreSQL preferred term_fed_due over term_fed_open_due and read every past term.
            models.Index(
                fields=["federation", "due_on"], condition=models.Q(ended_on__isnull=True),
                name="term_fed_running_due",
            ),
            # The on-time rate looks up each term's successor (committee, number + 1) for its start: covered.
            models.Index(fields=["committee", "number", "started_on"], name="term_committee_number_start"),
        ]

    def __str__(self) -> str:
        return gettext("%(committee)s 第%(n)s届") % {"committee": self.committee, "n": self.number}


class Seat(TrackedModel):
    """A committee post (委员职务) held by one person over a span of dates."""

    class Role(models.TextChoices):
        CHAIR = "chair", _("主任")
        VICE_CHAIR = "vice_chair", _("副主任")
        MEMBER = "member", _("委员")

    federation = models.ForeignKey("orgs.Federation", on_delete=models.PROTECT, related_name="+")
    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="seats")
    term = models.ForeignKey(Term, null=True, blank=True, on_delete=models.SET_NULL, related_name="seats")
    role = models.CharField(_("职务"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    person = models.ForeignKey(
        "orgs.Person", verbose_name=_("人员"), null=True, blank=True, on_delete=models.PROTECT, related_name="seats"
    )
    holder_name = models.CharField(_("姓名"), max_length=50, blank=True)
    started_on = models.DateField(_("任职日期"))
    ended_on = models.DateField(_("离任日期"), null=True, blank=True)

    objects = CommitteeScopedQuerySet.as_manager()

    class Meta:
        ordering = ["committee_id", "role", "started_on"]
        verbose_name = _("委员职务")
        verbose_name_plural = _("委员职务")
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")), name="seat_ended_after_start"
            ),
        ]
        indexes = [models.Index(fields=["committee", "role", "ended_on"], name="seat_committee_role_open")]

    def __str__(self) -> str:
        return f"{self.committee} {self.get_role_display()} {self.holder_name or self.person or ''}".strip()


_ROLE_LABELS: dict[str, Any] = dict(Seat.Role.choices)


class Vacancy(TrackedModel):
    """A post left empty (缺位) from `vacated_on` until `filled_on`."""

    federation = models.ForeignKey("orgs.Federation", on_delete=models.PROTECT, related_name="+")
    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="vacancies")
    role = models.CharField(_("职务"), max_length=20, choices=Seat.Role.choices, default=Seat.Role.MEMBER)
    seat = models.ForeignKey(Seat, null=True, blank=True, on_delete=models.SET_NULL, related_name="vacancies")
    vacated_on = models.DateField(_("缺位日期"))
    filled_on = models.DateField(_("补充日期"), null=True, blank=True)
    filled_by = models.ForeignKey(Seat, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = CommitteeScopedQuerySet.as_manager()

    class Meta:
        ordering = ["vacated_on"]
        verbose_name = _("缺位")
        verbose_name_plural = _("缺位")
        constraints = [
            models.CheckConstraint(
                condition=Q(filled_on__isnull=True) | Q(filled_on__gte=F("vacated_on")),
                name="vacancy_filled_after_vacated",
            ),
        ]
        indexes = [
            models.Index(fields=["federation", "vacated_on"], name="vacancy_fed_vacated"),
            models.Index(fields=["federation", "filled_on", "vacated_on"], name="vacancy_fed_open_vacated"),
            models.Index(fields=["committee", "role", "filled_on"], name="vacancy_committee_role_open"),
        ]

    def __str__(self) -> str:
        # The post's label as get_role_display gives it, without flattening the choices for each row.
        post = _ROLE_LABELS.get(self.role, self.role)
        return gettext("%(committee)s %(post)s 缺位") % {"committee": self.committee, "post": post}


class CorrectionQuerySet(CommitteeScopedQuerySet):
    unit_path = "unit_id"


class Correction(TrackedModel):
    """A correction (更正) or withdrawal (撤销登记) of a recorded event of a unit's committee history, with
    the reason given, who made it and what changed (the history page shows them)."""

    class Kind(models.TextChoices):
        CORRECT = "correct", _("更正")
        WITHDRAW = "withdraw", _("撤销登记")

    class Event(models.TextChoices):
        FORMATION = "formation", _("组建妇委会")
        REELECTION = "reelection", _("换届")
        APPOINTMENT = "appointment", _("任职")
        VACANCY = "vacancy", _("离任（缺位）")
        FILL = "fill", _("补缺")
        DISSOLUTION = "dissolution", _("撤销妇委会")
        UNIT_DISSOLUTION = "unit_dissolution", _("单位撤销/合并")

    federation = models.ForeignKey("orgs.Federation", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("orgs.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    # The committee concerned; empty once a withdrawn formation took it away.
    committee = models.ForeignKey(Committee, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices)
    event = models.CharField(_("事项"), max_length=20, choices=Event.choices)
    # Which record it was, as it stood before (e.g. {"number": 2, "started_on": "2027-03-01"}); the history
    # page words it in the reader's language.
    target = models.JSONField(_("登记内容"), default=dict, blank=True)
    # [[field, old, new], ...]: the values the clerk changed (dates as ISO text; posts as their codes).
    changes = models.JSONField(_("更正内容"), default=list, blank=True)
    reason = models.CharField(_("原因"), max_length=500)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("操作人账号"), max_length=150, blank=True)

    objects = CorrectionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("更正记录")
        verbose_name_plural = _("更正记录")
        indexes = [models.Index(fields=["unit", "created_at"], name="correction_unit_at")]

    def __str__(self) -> str:
        return f"{self.unit} {self.get_event_display()} {self.get_kind_display()}"



class RateCounts(models.Model):
    """The counts of the rate summary (committees.rate_summary), shared by its days and its years."""

    # 组建率: units that must have a committee, active from `day` (+1) or no longer (-1); of them, with an
    # active committee from `day` (+1) or no longer (-1). Summed up to a date they give the rate as of it.
    units = models.IntegerField(default=0)
    formed = models.IntegerField(default=0)
    # 按时换届率: terms due on `day` (not left out), and those re-elected on time.
    terms_due = models.IntegerField(default=0)
    terms_on_time = models.IntegerField(default=0)
    # 及时补缺率: vacancies vacated on `day`: filled (at any date), filled by the deadline, still open.
    vacancies_filled = models.IntegerField(default=0)
    vacancies_on_time = models.IntegerField(default=0)
    vacancies_open = models.IntegerField(default=0)
    # The dashboard's lists, counted as of a date like 组建率: terms overdue (超期服役) from `day` (+1) or
    # no longer (-1); vacancies past their deadline and still open (补缺超期) the same way.
    overdue = models.IntegerField(default=0)
    vacancies_late = models.IntegerField(default=0)

    class Meta:
        abstract = True


class RateDay(RateCounts):
    """The maintained rate summary (committees.rate_summary): for one federation and day, what changes in
    the counts the three rates add up. Derived data, never edited: kept by the writes themselves."""

    federation = models.ForeignKey("orgs.Federation", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    class Meta:
        constraints = [models.UniqueConstraint(fields=["federation", "day"], name="rateday_federation_day")]

    def __str__(self) -> str:
        return f"{self.federation_id} {self.day}"


class RateYear(RateCounts):
    """The rate summary's days of one year added up (committees.rate_summary): a rate as of a date reads
    the years before it and the days of its own year, not every day since the first record."""

    federation = models.ForeignKey("orgs.Federation", on_delete=models.CASCADE, related_name="+")
    year = models.IntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["federation", "year"], name="rateyear_federation_year")]

    def __str__(self) -> str:
        return f"{self.federation_id} {self.year}"
