"""Federations, units and people: who and what the platform is about."""

from __future__ import annotations

import datetime as dt
from typing import Self

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.crypto import blind_index
from core.fields import BlindIndexField, EncryptedCharField, PinyinSortField
from core.models import TrackedModel
from core.roles import BUSINESS_ROLES, FEDERATION_WIDE_ROLES, ROLE_BINDINGS, Role
from core.scoping import Scope, ScopedQuerySet
from core.spans import active_on, active_on_q


class FederationQuerySet(ScopedQuerySet):
    actions = frozenset({"view", "change", "manage"})

    def view_rule(self, scope: Scope) -> Self:
        return self.filter(pk__in=scope.federation_ids)

    def change_rule(self, scope: Scope) -> Self:
        # The federation's record (name, place in the tree) belongs to the system administrator (三员分立).
        return self.filter(pk__in=scope.federations_with(Role.SYSTEM_ADMIN))

    def manage_rule(self, scope: Scope) -> Self:
        # Its business rules (term length, fill deadline, each app's settings) are its staff's.
        return self.filter(pk__in=scope.federations_with(Role.FEDERATION_STAFF))


# Roles bound to a unit (a liaison's, a volunteer's or an executive's): they see that unit.
UNIT_BOUND_ROLES: tuple[str, ...] = tuple(r for r, kind in ROLE_BINDINGS.items() if kind == "unit")


class Federation(TrackedModel):
    """A women's federation (妇联): a district one, with a city one above it (a tree)."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    short_name = models.CharField(_("简称"), max_length=40, blank=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级妇联"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # Rules the federation may change (domain.md "default" values).
    term_length_years = models.PositiveSmallIntegerField(_("每届任期（年）"), default=5)
    reelection_grace_days = models.PositiveSmallIntegerField(_("换届宽限天数"), default=0)
    vacancy_fill_days = models.PositiveSmallIntegerField(_("补缺期限（天）"), default=90)

    objects = FederationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("妇联")
        verbose_name_plural = _("妇联")

    def __str__(self) -> str:
        return self.name


class UnitQuerySet(ScopedQuerySet):
    """view: the federation-wide roles, the unit's bound roles, one's own unit; change: its staff and its
    liaison (the liaison only the unit's own details); manage: its federation's staff (all fields,
    dissolution and merger)."""

    actions = frozenset({"view", "change", "manage"})

    def view_rule(self, scope: Scope) -> Self:
        q = Q(federation_id__in=scope.federations_with(*FEDERATION_WIDE_ROLES))
        q |= Q(pk__in=scope.units_for(*UNIT_BOUND_ROLES))
        # Business roles see the unit they work at; the 三员 roles see no business data.
        if scope.person_unit_id and scope.has(Role.EXECUTIVE, Role.VOLUNTEER, Role.REQUESTER):
            q |= Q(pk=scope.person_unit_id)
        return self.filter(q)

    def change_rule(self, scope: Scope) -> Self:
        return self.filter(
            Q(federation_id__in=scope.federations_with(Role.FEDERATION_STAFF))
            | Q(pk__in=scope.units_for(Role.UNIT_LIAISON))
        )

    def manage_rule(self, scope: Scope) -> Self:
        return self.filter(federation_id__in=scope.federations_with(Role.FEDERATION_STAFF))

    def active_on(self, day: dt.date) -> Self:
        """Units in existence on `day` (core.spans: established by then, or unknown; not dissolved by then)."""
        return self.filter(active_on_q(day, start="established_on", end="dissolved_on", start_may_be_unknown=True))


class Unit(TrackedModel):
    """A government department or institution (机关单位), including units stationed in the district."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("区直部门")
        INSTITUTION = "institution", _("事业单位")
        STATIONED = "stationed", _("驻区单位")
        STREET = "street", _("街道")

    federation = models.ForeignKey(Federation, verbose_name=_("所属妇联"), on_delete=models.PROTECT, related_name="units")
    name = models.CharField(_("单位名称"), max_length=100)
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices, default=Kind.DEPARTMENT)
    established_on = models.DateField(_("成立日期"), null=True, blank=True)
    dissolved_on = models.DateField(_("撤销日期"), null=True, blank=True)
    successor = models.ForeignKey(
        "self", verbose_name=_("并入单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="predecessors"
    )
    requires_committee = models.BooleanField(_("是否需建妇委会"), default=True)
    female_staff_count = models.PositiveIntegerField(_("女职工人数"), null=True, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    notes = models.TextField(_("备注"), blank=True)
    name_pinyin = PinyinSortField(source="name")

    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering = ["name_pinyin", "name"]
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        # The unit list's order within a federation, served by the index (no sort of all its units).
        indexes = [models.Index(fields=["federation", "name_pinyin", "name", "id"], name="unit_fed_pinyin")]
        constraints = [
            models.UniqueConstraint(fields=["federation", "name"], name="unit_name_unique_in_federation"),
            models.CheckConstraint(
                condition=Q(dissolved_on__isnull=True)
                | Q(established_on__isnull=True)
                | Q(dissolved_on__gte=models.F("established_on")),
                name="unit_dissolved_after_established",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.established_on and self.dissolved_on and self.dissolved_on < self.established_on:
            raise ValidationError({"dissolved_on": _("撤销日期不能早于成立日期。")})
        if self.successor_id and self.successor_id == self.pk:
            raise ValidationError({"successor": _("单位不能并入自身。")})

    def is_active_on(self, day: dt.date) -> bool:
        return active_on(self.established_on, self.dissolved_on, day)

    @property
    def status_label(self) -> str:
        if self.dissolved_on is None:
            return str(_("存续"))
        return str(_("已并入")) if self.successor_id else str(_("已撤销"))


class PersonQuerySet(ScopedQuerySet):
    """view and change: the federation's staff, the liaison of the person's unit, and the person."""

    def view_rule(self, scope: Scope) -> Self:
        q = Q(federation_id__in=scope.federations_with(Role.FEDERATION_STAFF))
        q |= Q(unit_id__in=scope.units_for(Role.UNIT_LIAISON))
        if scope.person_id:
            q |= Q(pk=scope.person_id)
        return self.filter(q)

    def change_rule(self, scope: Scope) -> Self:
        return self.view_rule(scope)

    def by_phone(self, number: str) -> Self:
        """People whose phone number equals `number` (spaces and dashes ignored), by keyed hash."""
        return self.filter(phone_hash=blind_index(number, kind="phone")) if number.strip() else self.none()

    def by_id_number(self, number: str) -> Self:
        """People whose ID number equals `number` (spaces, dashes and the case of X ignored)."""
        return self.filter(id_number_hash=blind_index(number, kind="id_number")) if number.strip() else self.none()


class Person(TrackedModel):
    """A person known to the platform (人员): staff of a unit, executive, volunteer, contact."""

    class Gender(models.TextChoices):
        FEMALE = "F", _("女")
        MALE = "M", _("男")

    federation = models.ForeignKey(Federation, verbose_name=_("所属妇联"), on_delete=models.PROTECT, related_name="people")
    unit = models.ForeignKey(
        Unit, verbose_name=_("工作单位"), null=True, blank=True, on_delete=models.SET_NULL, related_name="people"
    )
    # A community contact's grassroots organisation (her role is bound to it, as a liaison's to her unit).
    community = models.ForeignKey(
        "Community", verbose_name=_("所在基层组织"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="people",
    )
    name = models.CharField(_("姓名"), max_length=50)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices, default=Gender.FEMALE)
    title = models.CharField(_("职务"), max_length=100, blank=True)
    # Personal information, encrypted at rest (core.fields); search through the keyed hashes.
    phone = EncryptedCharField(_("手机号码"), max_length=32, blank=True)
    phone_hash = BlindIndexField(source="phone", kind="phone")
    id_number = EncryptedCharField(_("身份证号"), max_length=32, blank=True)
    id_number_hash = BlindIndexField(source="id_number", kind="id_number")
    email = models.EmailField(_("电子邮箱"), blank=True)
    name_pinyin = PinyinSortField(source="name")

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["name_pinyin", "name", "id"]
        verbose_name = _("人员")
        verbose_name_plural = _("人员")

    def __str__(self) -> str:
        return self.name


class CommunityQuerySet(ScopedQuerySet):
    """Grassroots organisations are no secret inside their federation: every business role there sees
    them (a volunteer must know where she lectures); their contacts see their own; staff manage them."""

    def view_rule(self, scope: Scope) -> Self:
        q = Q(federation_id__in=scope.federations_with(*BUSINESS_ROLES))
        q |= Q(pk__in=scope.communities_for(Role.REQUESTER))
        return self.filter(q)

    def change_rule(self, scope: Scope) -> Self:
        return self.filter(federation_id__in=scope.federations_with(Role.FEDERATION_STAFF))


class Community(TrackedModel):
    """A grassroots organisation (社区、街道、村): its contacts order lectures for it (点单).

    It needs no women's committee and is outside the three rates: a kind of organisation beside units.
    """

    class Kind(models.TextChoices):
        COMMUNITY = "community", _("社区")
        STREET = "street", _("街道")
        VILLAGE = "village", _("村")
        OTHER = "other", _("其他基层组织")

    federation = models.ForeignKey(
        Federation, verbose_name=_("所属妇联"), on_delete=models.PROTECT, related_name="communities"
    )
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices, default=Kind.COMMUNITY)
    street = models.CharField(_("所属街道"), max_length=100, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    dissolved_on = models.DateField(_("撤销日期"), null=True, blank=True)
    name_pinyin = PinyinSortField(source="name")

    objects = CommunityQuerySet.as_manager()

    class Meta:
        ordering = ["name_pinyin", "name", "id"]
        verbose_name = _("基层组织")
        verbose_name_plural = _("基层组织")
        constraints = [
            models.UniqueConstraint(fields=["federation", "name"], name="community_name_unique_in_federation"),
        ]

    def __str__(self) -> str:
        return self.name
