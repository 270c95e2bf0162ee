"""The quantified self-inspection (量化自查): templates and their items, cycles with the items copied from
a template version, each unit's form (自查表) and its answers with the results frozen at submission."""

from __future__ import annotations

from decimal import Decimal
from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from assessment.scoring import AUTO_KINDS, KIND_LABELS, RuleKind
from core.models import TrackedModel
from core.roles import Role
from core.scoping import Scope, ScopedQuerySet
from core.states import StateMachine, Transition

KIND_CHOICES = [(k.value, KIND_LABELS[k]) for k in RuleKind]


def staff_q(scope: Scope, path: str = "federation_id") -> Q:
    return Q(**{f"{path}__in": scope.federations_with(Role.FEDERATION_STAFF)})


def liaison_q(scope: Scope, unit_path: str) -> Q:
    return Q(**{f"{unit_path}__in": scope.units_for(Role.UNIT_LIAISON)})


class TemplateQuerySet(ScopedQuerySet):
    """The federation's staff read and edit its templates."""

    def view_rule(self, scope: Scope) -> Self:
        return self.filter(staff_q(scope))

    def change_rule(self, scope: Scope) -> Self:
        return self.filter(staff_q(scope))


class Template(TrackedModel):
    """An evaluation form (量化评估表) of a federation; `revision` grows with every edit of it or its items."""

    federation = models.ForeignKey("orgs.Federation", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("名称"), max_length=100)
    revision = models.PositiveIntegerField(_("版本"), default=1)

    objects = TemplateQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("评估表模板")
        verbose_name_plural = _("评估表模板")

    def __str__(self) -> str:
        return f"{self.name} v{self.revision}"


class TemplateItemQuerySet(TemplateQuerySet):
    pass


class ItemFields(models.Model):
    """What an item is: the same on a template and on the copy a cycle keeps."""

    number = models.PositiveSmallIntegerField(_("序号"))
    title = models.CharField(_("项目"), max_length=100)
    points = models.DecimalField(_("分值"), max_digits=5, decimal_places=1)
    guidance = models.TextField(_("评分说明"), blank=True)
    kind = models.CharField(_("评分规则"), max_length=30, choices=KIND_CHOICES)
    params = models.JSONField(_("规则参数"), default=dict, blank=True)
    evidence_required = models.BooleanField(_("须附佐证材料"), default=False)
    na_allowed = models.BooleanField(_("允许不适用"), default=False)
    # Below this share of the points the item opens a rectification item (整改).
    threshold = models.DecimalField(
        _("整改线（得分率）"), max_digits=3, decimal_places=2, default=Decimal("0.6")
    )

    class Meta:
        abstract = True

    @property
    def automatic(self) -> bool:
        return self.kind in AUTO_KINDS


class TemplateItem(ItemFields, TrackedModel):
    federation = models.ForeignKey("orgs.Federation", on_delete=models.PROTECT, related_name="+")
    template = models.ForeignKey(Template, on_delete=models.CASCADE, related_name="items")

    objects = TemplateItemQuerySet.as_manager()

    class Meta:
        ordering = ["template_id", "number"]
        verbose_name = _("评估项目")
        verbose_name_plural = _("评估项目")
        constraints = [models.UniqueConstraint(fields=["template", "number"], name="template_item_number")]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class CycleQuerySet(ScopedQuerySet):
    """Staff of the federation see and manage its cycles; a liaison sees the cycles that include their unit."""

    def view_rule(self, scope: Scope) -> Self:
        units = scope.units_for(Role.UNIT_LIAISON)
        return self.filter(
            staff_q(scope) | Q(pk__in=SelfCheck.objects.filter(unit_id__in=units).values("cycle_id"))
        )

    def change_rule(self, scope: Scope) -> Self:
        return self.filter(staff_q(scope))


class Cycle(TrackedModel):
    """A self-check cycle (自查): a year, a deadline and the template's items as they were when it opened."""

    class Status(models.TextChoices):
        OPEN = "open", _("进行中")
        CLOSED = "closed", _("已结束")

    federation = models.ForeignKey("orgs.Federation", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("名称"), max_length=100)
    deadline = models.DateField(_("截止日期"))
    template = models.ForeignKey(
        Template, null=True, blank=True, on_delete=models.SET_NULL, related_name="cycles"
    )
    template_name = models.CharField(_("评估表"), max_length=100)
    template_revision = models.PositiveIntegerField(_("评估表版本"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)

    objects = CycleQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-id"]
        verbose_name = _("自查周期")
        verbose_name_plural = _("自查周期")

    def __str__(self) -> str:
        return self.title


class CycleItemQuerySet(ScopedQuerySet):
    def view_rule(self, scope: Scope) -> Self:
        return self.filter(cycle__in=Cycle.objects.view_rule(scope))


class CycleItem(ItemFields):
    """A template item as copied into a cycle: editing the template never rewrites it."""

    federation = models.ForeignKey("orgs.Federation", on_delete=models.PROTECT, related_name="+")
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="items")

    objects = CycleItemQuerySet.as_manager()

    class Meta:
        ordering = ["cycle_id", "number"]
        constraints = [models.UniqueConstraint(fields=["cycle", "number"], name="cycle_item_number")]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class UnitRowsQuerySet(ScopedQuerySet):
    """A unit's self-check rows: its federation's staff and the unit's liaison see them; the liaison fills
    (fill), the staff review (review: return a submitted form)."""

    actions = frozenset({"view", "fill", "review"})
    unit_path = "unit_id"

    def view_rule(self, scope: Scope) -> Self:
        return self.filter(staff_q(scope) | liaison_q(scope, self.unit_path))

    def fill_rule(self, scope: Scope) -> Self:
        return self.filter(liaison_q(scope, self.unit_path))

    def review_rule(self, scope: Scope) -> Self:
        return self.filter(staff_q(scope))


class SelfCheck(TrackedModel):
    """One unit's form (自查表) in a cycle."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("填写中")
        SUBMITTED = "submitted", _("已提交")
        RETURNED = "returned", _("已退回")

    federation = models.ForeignKey("orgs.Federation", on_delete=models.PROTECT, related_name="+")
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="forms")
    unit = models.ForeignKey("orgs.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    return_comment = models.TextField(_("退回意见"), blank=True)
    # Frozen with the submission.
    total_score = models.DecimalField(_("得分"), max_digits=6, decimal_places=1, null=True, blank=True)
    max_score = models.DecimalField(_("满分"), max_digits=6, decimal_places=1, null=True, blank=True)

    objects = UnitRowsQuerySet.as_manager()

    class Meta:
        ordering = ["cycle_id", "unit__name"]
        verbose_name = _("自查表")
        verbose_name_plural = _("自查表")
        constraints = [models.UniqueConstraint(fields=["cycle", "unit"], name="selfcheck_cycle_unit")]
        indexes = [models.Index(fields=["federation", "status"], name="selfcheck_fed_status")]

    def __str__(self) -> str:
        return f"{self.cycle} · {self.unit}"

    @property
    def locked(self) -> bool:
        return self.status == self.Status.SUBMITTED


SELFCHECK_MACHINE = StateMachine(
    field="status",
    transitions=[
        Transition(
            "submit", source={"draft", "returned"}, target="submitted", label=_("提交"), action="fill"
        ),
        Transition(
            "return",
            source={"submitted"},
            target="returned",
            label=_("退回"),
            needs_reason=True,
            action="review",
        ),
    ],
)


class AnswerQuerySet(UnitRowsQuerySet):
    unit_path = "selfcheck__unit_id"


class ItemAnswer(TrackedModel):
    """A unit's answer to one item, its dispute of an automatic result, and the result frozen at submission."""

    federation = models.ForeignKey("orgs.Federation", on_delete=models.PROTECT, related_name="+")
    selfcheck = models.ForeignKey(SelfCheck, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(CycleItem, on_delete=models.CASCADE, related_name="+")
    value = models.CharField(_("自评"), max_length=50, blank=True)
    not_applicable = models.BooleanField(_("不适用"), default=False)
    na_reason = models.CharField(_("不适用原因"), max_length=200, blank=True)
    note = models.TextField(_("说明"), blank=True)
    # The unit's disagreement with an automatic result: shown beside it, never instead of it.
    dispute = models.TextField(_("异议"), blank=True)
    result = models.JSONField(_("结果"), null=True, blank=True)
    frozen_at = models.DateTimeField(null=True, blank=True)

    objects = AnswerQuerySet.as_manager()

    class Meta:
        ordering = ["selfcheck_id", "item__number"]
        constraints = [models.UniqueConstraint(fields=["selfcheck", "item"], name="answer_selfcheck_item")]

    def __str__(self) -> str:
        return f"{self.selfcheck} · {self.item}"
