"""The volunteer lecture system (志愿讲课): volunteers by category, the topic library, lectures, orders."""

from __future__ import annotations

from typing import Self

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import TrackedModel
from core.roles import BUSINESS_ROLES, Role
from core.scoping import Scope, ScopedQuerySet
from core.states import StateMachine, Transition

# The default expertise categories (分类管理) a federation starts with; its staff edit the list.
DEFAULT_CATEGORIES: tuple[str, ...] = (
    "家庭教育",
    "法律",
    "健康急救",
    "经济金融",
    "心理",
    "安全应急",
    "文化",
    "其他",
)


def _in_business_federations(scope: Scope) -> Q:
    return Q(federation_id__in=scope.federations_with(*BUSINESS_ROLES))


def _staff(scope: Scope) -> Q:
    return Q(federation_id__in=scope.federations_with(Role.FEDERATION_STAFF))


class CategoryQuerySet(ScopedQuerySet):
    """view: every business role of the federation (the library is browsed by category); change: its staff."""

    def view_rule(self, scope: Scope) -> Self:
        return self.filter(_in_business_federations(scope))

    def change_rule(self, scope: Scope) -> Self:
        return self.filter(_staff(scope))


class ExpertiseCategory(TrackedModel):
    """An expertise category (专业类别) by which volunteers and topics are managed (分类管理)."""

    federation = models.ForeignKey("orgs.Federation", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("类别名称"), max_length=40)
    order = models.PositiveSmallIntegerField(_("排序"), default=100)
    active = models.BooleanField(_("启用"), default=True)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["federation", "name"], name="lectures_category_unique")
        ]
        verbose_name = _("专业类别")
        verbose_name_plural = _("专业类别")

    def __str__(self) -> str:
        return self.name


class VolunteerQuerySet(ScopedQuerySet):
    """view: the federation's staff, the liaison of the volunteer's unit, the volunteer herself;
    change (her profile): staff and herself; manage (approve, suspend, unit): staff."""

    actions = frozenset({"view", "change", "manage"})

    def view_rule(self, scope: Scope) -> Self:
        q = _staff(scope) | Q(unit_id__in=scope.units_for(Role.UNIT_LIAISON))
        if scope.person_id:
            q |= Q(person_id=scope.person_id)
        return self.filter(q)

    def change_rule(self, scope: Scope) -> Self:
        q = _staff(scope)
        if scope.person_id:
            q |= Q(person_id=scope.person_id)
        return self.filter(q)

    def manage_rule(self, scope: Scope) -> Self:
        return self.filter(_staff(scope))


class Volunteer(TrackedModel):
    """A women's volunteer lecturer (巾帼志愿者/志愿讲师): a person of a unit, with expertise categories."""

    class Status(models.TextChoices):
        APPLIED = "applied", _("待审核")
        ACTIVE = "active", _("在册")
        SUSPENDED = "suspended", _("暂停")

    federation = models.ForeignKey("orgs.Federation", on_delete=models.PROTECT, related_name="+")
    person = models.OneToOneField(
        "orgs.Person", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="volunteer"
    )
    unit = models.ForeignKey(
        "orgs.Unit",
        verbose_name=_("工作单位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    categories = models.ManyToManyField(
        ExpertiseCategory, verbose_name=_("专业类别"), related_name="volunteers", blank=True
    )
    bio = models.TextField(_("个人简介"), blank=True)
    availability = models.CharField(
        _("可授课时间"), max_length=200, blank=True, help_text=_("例如：每周三下午、周六全天")
    )
    yearly_limit = models.PositiveSmallIntegerField(_("每年授课上限（场）"), default=12)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.APPLIED)
    joined_on = models.DateField(_("加入日期"), null=True, blank=True)

    objects = VolunteerQuerySet.as_manager()

    class Meta:
        ordering = ["person__name", "id"]
        verbose_name = _("巾帼志愿者")
        verbose_name_plural = _("巾帼志愿者")

    def __str__(self) -> str:
        return self.person.name


VOLUNTEER_MACHINE = StateMachine(
    field="status",
    transitions=[
        Transition("approve", source={"applied"}, target="active", label=_("审核通过"), action="manage"),
        Transition(
            "suspend",
            source={"active"},
            target="suspended",
            label=_("暂停"),
            needs_reason=True,
            action="manage",
        ),
        Transition("reinstate", source={"suspended"}, target="active", label=_("恢复"), action="manage"),
    ],
)
