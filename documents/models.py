"""The federation's documents (文件资料): documents with their versions split into numbered sections, the
evaluation-form items each guides, and consultations (征求意见) on a draft version with comments per section
and a note per section on how they were handled."""

from __future__ import annotations

from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import TrackedModel
from core.roles import BUSINESS_ROLES, Role
from core.scoping import Scope, ScopedQuerySet
from core.states import StateMachine, Transition


def staff_q(scope: Scope, path: str = "federation_id") -> Q:
    return Q(**{f"{path}__in": scope.federations_with(Role.FEDERATION_STAFF)})


def readers_q(scope: Scope, path: str = "federation_id") -> Q:
    """Anyone holding a business role in the federation (the published library is the whole district's)."""
    return Q(**{f"{path}__in": scope.federations_with(*BUSINESS_ROLES)})


class DocumentQuerySet(ScopedQuerySet):
    """Staff keep the federation's library; everyone of the federation reads its published documents."""

    def view_rule(self, scope: Scope) -> Self:
        published = DocumentVersion.objects.filter(status=DocumentVersion.Status.PUBLISHED).values(
            "document_id"
        )
        return self.filter(staff_q(scope) | (readers_q(scope) & Q(pk__in=published)))

    def change_rule(self, scope: Scope) -> Self:
        return self.filter(staff_q(scope))


class Document(TrackedModel):
    """A document units work from (文件): the evaluation form, a handbook, a plan, working rules."""

    class Kind(models.TextChoices):
        EVALUATION_FORM = "evaluation_form", _("量化评估表")
        HANDBOOK = "handbook", _("工作实务手册")
        STANDARDISATION_PLAN = "standardisation_plan", _("规范化标准化建设方案")
        WORKING_RULES = "working_rules", _("工作办法")
        OTHER = "other", _("其他")

    federation = models.ForeignKey("orgs.Federation", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类别"), max_length=30, choices=Kind.choices, default=Kind.OTHER)
    title = models.CharField(_("标题"), max_length=200)
    doc_number = models.CharField(_("文号"), max_length=60, blank=True)
    issuer = models.CharField(_("发文单位"), max_length=100, blank=True)
    summary = models.TextField(_("简介"), blank=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "title", "id"]
        verbose_name = _("文件")
        verbose_name_plural = _("文件")

    def __str__(self) -> str:
        return self.title


class GuidedItemQuerySet(ScopedQuerySet):
    def view_rule(self, scope: Scope) -> Self:
        return self.filter(document__in=Document.objects.view_rule(scope))


class GuidedItem(models.Model):
    """An item of the evaluation form (by its number, 1–10) that a document guides."""

    federation = models.ForeignKey("orgs.Federation", on_delete=models.PROTECT, related_name="+")
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="guided_items")
    number = models.PositiveSmallIntegerField(_("评估项目序号"))

    objects = GuidedItemQuerySet.as_manager()

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="guided_item_once")]

    def __str__(self) -> str:
        return f"{self.document_id}:{self.number}"


class VersionQuerySet(ScopedQuerySet):
    """Staff see every version; the federation reads the published ones; a consultation's audience reads
    the draft it is consulted on."""

    def view_rule(self, scope: Scope) -> Self:
        consulted = Consultation.objects.view_rule(scope).values("draft_id")
        return self.filter(
            staff_q(scope)
            | (readers_q(scope) & Q(status=DocumentVersion.Status.PUBLISHED))
            | Q(pk__in=consulted)
        )

    def change_rule(self, scope: Scope) -> Self:
        return self.filter(staff_q(scope))


class DocumentVersion(TrackedModel):
    """One version (版本) of a document: its text in numbered sections, its effective date, maybe a file."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        CONSULTATION = "consultation", _("征求意见稿")
        PUBLISHED = "published", _("已发布")

    federation = models.ForeignKey("orgs.Federation", on_delete=models.PROTECT, related_name="+")
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    label = models.CharField(_("版本"), max_length=60)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    effective_on = models.DateField(_("生效日期"), null=True, blank=True)
    published_on = models.DateField(_("发布日期"), null=True, blank=True)
    body = models.TextField(_("正文"), blank=True)
    note = models.TextField(_("修订说明"), blank=True)
    # An optional file (the signed PDF, the Word original): checked by content, stored by its hash outside
    # the web root, streamed only to who may see the version.
    path = models.CharField(max_length=200, blank=True)
    original_name = models.CharField(_("文件名"), max_length=200, blank=True)
    file_kind = models.CharField(max_length=10, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)

    objects = VersionQuerySet.as_manager()

    class Meta:
        ordering = ["document_id", "-effective_on", "-id"]
        verbose_name = _("文件版本")
        verbose_name_plural = _("文件版本")

    def __str__(self) -> str:
        return f"{self.document.title}（{self.label}）"

    @property
    def has_file(self) -> bool:
        return bool(self.path)


class SectionQuerySet(ScopedQuerySet):
    def view_rule(self, scope: Scope) -> Self:
        return self.filter(version__in=DocumentVersion.objects.view_rule(scope))


class DocumentSection(models.Model):
    """A numbered section (条/部分) of a version's text, as documents.text splits it."""

    federation = models.ForeignKey("orgs.Federation", on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey(DocumentVersion, on_delete=models.CASCADE, related_name="sections")
    number = models.PositiveSmallIntegerField(_("序号"))
    heading = models.CharField(_("标题"), max_length=200, blank=True)
    text = models.TextField(_("内容"), blank=True)

    objects = SectionQuerySet.as_manager()

    class Meta:
        ordering = ["version_id", "number"]
        constraints = [models.UniqueConstraint(fields=["version", "number"], name="section_number_once")]

    def __str__(self) -> str:
        return self.heading or str(_("（前言）"))


def audience_q(scope: Scope) -> Q:
    """Consultations addressed to this scope: a role it holds in the consultation's federation, or a unit it
    is the liaison of or works in."""
    q = Q(pk__in=[])
    for federation_id, roles in scope.federation_roles.items():
        held = Q(pk__in=[])
        for role in roles:
            held |= Q(roles__contains=f",{role},")
        q |= Q(federation_id=federation_id) & held
    units = set(scope.units_for(Role.UNIT_LIAISON))
    if scope.person_unit_id is not None:
        units.add(scope.person_unit_id)
    if units:
        q |= Q(pk__in=Consultation.units.through.objects.filter(unit_id__in=units).values("consultation_id"))
    return q & readers_q(scope)


class ConsultationQuerySet(ScopedQuerySet):
    """Staff manage the federation's consultations; the audience (chosen roles and units) reads and comments."""

    actions = frozenset({"view", "comment", "manage"})

    def view_rule(self, scope: Scope) -> Self:
        return self.filter(staff_q(scope) | audience_q(scope))

    def comment_rule(self, scope: Scope) -> Self:
        return self.filter(audience_q(scope))

    def manage_rule(self, scope: Scope) -> Self:
        return self.filter(staff_q(scope))


class Consultation(TrackedModel):
    """A consultation (征求意见): a draft version published to chosen units or roles until a deadline."""

    class Status(models.TextChoices):
        OPEN = "open", _("征求意见中")
        CONCLUDED = "concluded", _("已结束")

    federation = models.ForeignKey("orgs.Federation", on_delete=models.PROTECT, related_name="+")
    draft = models.OneToOneField(
        DocumentVersion, on_delete=models.PROTECT, related_name="consultation", verbose_name=_("征求意见稿")
    )
    title = models.CharField(_("标题"), max_length=200)
    intro = models.TextField(_("说明"), blank=True)
    deadline = models.DateField(_("截止日期"))
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.OPEN)
    # The roles addressed, as ",role,role," (a plain column every database can search).
    roles = models.CharField(_("征求对象（角色）"), max_length=300, blank=True)
    units = models.ManyToManyField(
        "orgs.Unit", blank=True, related_name="+", verbose_name=_("征求对象（单位）")
    )
    opened_on = models.DateField(_("发布日期"))
    concluded_on = models.DateField(_("结束日期"), null=True, blank=True)
    final_version = models.ForeignKey(
        DocumentVersion,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("正式版本"),
    )
    conclusion = models.TextField(_("意见处理总体说明"), blank=True)

    objects = ConsultationQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_on", "-id"]
        verbose_name = _("征求意见")
        verbose_name_plural = _("征求意见")

    def __str__(self) -> str:
        return self.title

    @property
    def role_list(self) -> list[str]:
        return [r for r in self.roles.split(",") if r]


CONSULTATION_MACHINE = StateMachine(
    field="status",
    transitions=[
        Transition("conclude", source={"open"}, target="concluded", label=_("结束征求意见"), action="manage"),
    ],
)


class CommentQuerySet(ScopedQuerySet):
    """Staff read every comment of the federation's consultations; a commenter reads their own."""

    def view_rule(self, scope: Scope) -> Self:
        return self.filter(staff_q(scope) | Q(author_id=scope.user_id))


class Comment(TrackedModel):
    """A comment (意见) on one section of a consultation's draft, by someone it was addressed to."""

    federation = models.ForeignKey("orgs.Federation", on_delete=models.PROTECT, related_name="+")
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="comments")
    section = models.ForeignKey(DocumentSection, on_delete=models.PROTECT, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_name = models.CharField(_("提出人"), max_length=100)
    unit = models.ForeignKey(
        "orgs.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("单位")
    )
    text = models.TextField(_("意见"))

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["section__number", "id"]
        verbose_name = _("意见")
        verbose_name_plural = _("意见")

    def __str__(self) -> str:
        return f"{self.author_name}：{self.text[:30]}"


class HandlingNoteQuerySet(ScopedQuerySet):
    """Seen by who sees the consultation, and with the final version by who reads it."""

    def view_rule(self, scope: Scope) -> Self:
        return self.filter(
            Q(consultation__in=Consultation.objects.view_rule(scope))
            | Q(consultation__final_version__in=DocumentVersion.objects.view_rule(scope))
        )


class HandlingNote(TrackedModel):
    """How the comments on one section of the draft were handled (意见处理情况), published with the final version."""

    class Outcome(models.TextChoices):
        ADOPTED = "adopted", _("已采纳")
        PARTLY = "partly", _("部分采纳")
        NOT_ADOPTED = "not_adopted", _("未采纳")
        EXPLAINED = "explained", _("已说明")

    federation = models.ForeignKey("orgs.Federation", on_delete=models.PROTECT, related_name="+")
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="notes")
    section = models.ForeignKey(DocumentSection, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(_("处理结果"), max_length=20, choices=Outcome.choices)
    note = models.TextField(_("处理说明"))

    objects = HandlingNoteQuerySet.as_manager()

    class Meta:
        ordering = ["section__number"]
        constraints = [models.UniqueConstraint(fields=["consultation", "section"], name="handling_note_once")]

    def __str__(self) -> str:
        return f"{self.section}：{self.get_outcome_display()}"
