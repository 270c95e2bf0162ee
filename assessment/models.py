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


class EvidenceQuerySet(UnitRowsQuerySet):
    pass


class Evidence(TrackedModel):
    """A piece of evidence (佐证材料) of a unit's form: a file (checked by content, hashed, kept outside the
    web root, served only to who may see the unit) or a link to a record of the platform; it may serve
    several items of the form."""

    federation = models.ForeignKey("orgs.Federation", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")
    selfcheck = models.ForeignKey(SelfCheck, on_delete=models.CASCADE, related_name="evidence")
    items = models.ManyToManyField(CycleItem, related_name="+", verbose_name=_("对应项目"))
    title = models.CharField(_("名称"), max_length=200)
    effective_on = models.DateField(_("材料日期"), null=True, blank=True)
    # A file: where it is stored (relative to the private directory), what it is, its SHA-256.
    path = models.CharField(max_length=200, blank=True)
    original_name = models.CharField(_("文件名"), max_length=200, blank=True)
    file_kind = models.CharField(max_length=10, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    # Or a link to a record of the platform (a path on this site).
    link_url = models.CharField(_("平台记录链接"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")

    def __str__(self) -> str:
        return self.title

    @property
    def is_file(self) -> bool:
        return bool(self.path)

    @property
    def label(self) -> str:
        return self.title

    @property
    def url(self) -> str:
        from django.urls import reverse

        return reverse("assessment:evidence-open", args=[self.pk])


class RectificationQuerySet(UnitRowsQuerySet):
    pass


class Rectification(TrackedModel):
    """A rectification item (整改) opened from an item below its threshold: the weakness, the measures, who
    owns it and by when; the unit plans and closes it."""

    class Status(models.TextChoices):
        OPEN = "open", _("整改中")
        DONE = "done", _("已完成")

    federation = models.ForeignKey("orgs.Federation", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")
    selfcheck = models.ForeignKey(SelfCheck, on_delete=models.CASCADE, related_name="rectifications")
    item = models.ForeignKey(CycleItem, on_delete=models.CASCADE, related_name="+")
    weakness = models.TextField(_("问题"))
    measures = models.TextField(_("措施"), blank=True)
    owner = models.CharField(_("责任人"), max_length=50, blank=True)
    deadline = models.DateField(_("期限"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    closed_on = models.DateField(_("完成日期"), null=True, blank=True)
    closing_note = models.TextField(_("完成情况"), blank=True)

    objects = RectificationQuerySet.as_manager()

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = _("整改事项")
        verbose_name_plural = _("整改事项")
        constraints = [
            models.UniqueConstraint(fields=["selfcheck", "item"], name="rectification_selfcheck_item")
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.item.title} 整改"


RECTIFICATION_MACHINE = StateMachine(
    field="status",
    transitions=[
        Transition(
            "close", source={"open"}, target="done", label=_("完成整改"), needs_reason=True, action="fill"
        )
    ],
)


# ---- highlights (亮点工作信息) and exchange sessions (经验交流) -------------------------------------------


class HighlightQuerySet(ScopedQuerySet):
    """A unit's highlights: its liaison sees and fills its own (drafts included); the federation's staff see
    what was submitted and review it (edit, publish, return); every unit's liaison in the federation sees
    the published ones (the feed)."""

    actions = frozenset({"view", "fill", "review"})

    def view_rule(self, scope: Scope) -> Self:
        published = Q(
            status=Highlight.Status.PUBLISHED,
            federation_id__in=scope.federations_with(Role.UNIT_LIAISON),
        )
        return self.filter(
            (staff_q(scope) & ~Q(status=Highlight.Status.DRAFT)) | liaison_q(scope, "unit_id") | published
        )

    def fill_rule(self, scope: Scope) -> Self:
        return self.filter(liaison_q(scope, "unit_id"))

    def review_rule(self, scope: Scope) -> Self:
        return self.filter(staff_q(scope) & ~Q(status=Highlight.Status.DRAFT))


class Highlight(TrackedModel):
    """A unit's highlight (亮点工作信息): its good practice, written by the unit, submitted (报送), edited and
    published by the federation's staff to the feed every unit sees, or returned with a comment."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已报送")
        PUBLISHED = "published", _("已发布")
        RETURNED = "returned", _("已退回")
        WITHDRAWN = "withdrawn", _("已撤下")

    federation = models.ForeignKey("orgs.Federation", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("orgs.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    # The cycle whose items it illustrates (the items are chosen among that cycle's).
    cycle = models.ForeignKey(
        Cycle, null=True, blank=True, on_delete=models.SET_NULL, related_name="highlights"
    )
    items = models.ManyToManyField(CycleItem, blank=True, related_name="+", verbose_name=_("对应项目"))
    title = models.CharField(_("标题"), max_length=120)
    text = models.TextField(_("正文"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    submitted_on = models.DateField(_("报送日期"), null=True, blank=True)
    published_on = models.DateField(_("发布日期"), null=True, blank=True)
    return_comment = models.TextField(_("退回意见"), blank=True)
    # Taken off the feed by the staff after publication (撤下), with the reason shown to the unit.
    withdrawn_on = models.DateField(_("撤下日期"), null=True, blank=True)
    withdraw_reason = models.TextField(_("撤下原因"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = HighlightQuerySet.as_manager()

    class Meta:
        ordering = ["-published_on", "-submitted_on", "-id"]
        verbose_name = _("亮点工作信息")
        verbose_name_plural = _("亮点工作信息")
        indexes = [models.Index(fields=["federation", "status"], name="highlight_fed_status")]

    def __str__(self) -> str:
        return self.title

    @property
    def editable_by_unit(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)


HIGHLIGHT_MACHINE = StateMachine(
    field="status",
    transitions=[
        Transition(
            "submit", source={"draft", "returned"}, target="submitted", label=_("报送"), action="fill"
        ),
        # A withdrawn highlight may be published again (after the staff corrected it).
        Transition(
            "publish", source={"submitted", "withdrawn"}, target="published", label=_("发布"), action="review"
        ),
        Transition(
            "return",
            source={"submitted"},
            target="returned",
            label=_("退回"),
            needs_reason=True,
            action="review",
        ),
        Transition(
            "withdraw",
            source={"published"},
            target="withdrawn",
            label=_("撤下"),
            needs_reason=True,
            action="review",
        ),
    ],
)


class HighlightFileQuerySet(ScopedQuerySet):
    """A highlight's photos and attachments: seen by who sees the highlight, removed by its unit while it
    is still the unit's to edit."""

    actions = frozenset({"view", "fill"})

    def view_rule(self, scope: Scope) -> Self:
        return self.filter(highlight__in=Highlight.objects.view_rule(scope))

    def fill_rule(self, scope: Scope) -> Self:
        return self.filter(highlight__in=Highlight.objects.fill_rule(scope))


class HighlightFile(TrackedModel):
    """A photo or an attachment (附件) of a highlight: checked by its content, stored by its hash outside
    the web root, streamed only to who may see the highlight."""

    federation = models.ForeignKey("orgs.Federation", on_delete=models.PROTECT, related_name="+")
    highlight = models.ForeignKey(Highlight, on_delete=models.CASCADE, related_name="files")
    path = models.CharField(max_length=200)
    original_name = models.CharField(_("文件名"), max_length=200)
    file_kind = models.CharField(max_length=10)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64)

    objects = HighlightFileQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("亮点附件")
        verbose_name_plural = _("亮点附件")

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_photo(self) -> bool:
        return self.file_kind in ("png", "jpeg")


class ExchangeSessionQuerySet(ScopedQuerySet):
    """The federation's staff organise exchange sessions; the units of the federation see them."""

    def view_rule(self, scope: Scope) -> Self:
        return self.filter(
            staff_q(scope) | Q(federation_id__in=scope.federations_with(Role.UNIT_LIAISON))
        )

    def change_rule(self, scope: Scope) -> Self:
        return self.filter(staff_q(scope))


class ExchangeSession(TrackedModel):
    """An experience exchange session (经验交流会) organised by the federation, with the highlights presented."""

    federation = models.ForeignKey("orgs.Federation", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("名称"), max_length=120)
    held_on = models.DateField(_("日期"))
    place = models.CharField(_("地点"), max_length=120)
    notes = models.TextField(_("说明"), blank=True)
    highlights = models.ManyToManyField(
        Highlight, blank=True, related_name="sessions", verbose_name=_("交流的亮点")
    )

    objects = ExchangeSessionQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("经验交流会")
        verbose_name_plural = _("经验交流会")

    def __str__(self) -> str:
        return self.title
