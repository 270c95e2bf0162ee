"""The volunteer lecture system (志愿讲课): volunteers by category, the topic library, lectures, orders."""

from __future__ import annotations

import datetime as dt
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


# A freed place is offered to the first on the waiting list for this many hours (pretix's default).
OFFER_HOURS = 24

# Registrations that hold a place: counted against the capacity.
PLACE_HOLDING = ("registered", "offered")
# Registrations that no longer take part (the person may register again).
ENDED = ("cancelled", "lapsed")


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


class TopicQuerySet(ScopedQuerySet):
    """view: topics in the library (and retired ones) by every business role of the federation; proposals
    by staff, their proposer and their lecturers. change (edit a proposal, submit a new version): staff and
    the proposer. review (accept, return, retire): staff."""

    actions = frozenset({"view", "change", "review"})

    def _own(self, scope: Scope) -> Q:
        if not scope.person_id:
            return Q(pk__in=[])
        return Q(proposer__person_id=scope.person_id) | Q(
            pk__in=Topic.lecturers.through.objects.filter(volunteer__person_id=scope.person_id).values(
                "topic_id"
            )
        )

    def view_rule(self, scope: Scope) -> Self:
        public = Q(status__in=[Topic.Status.LIBRARY, Topic.Status.RETIRED]) & _in_business_federations(scope)
        return self.filter(public | _staff(scope) | self._own(scope))

    def change_rule(self, scope: Scope) -> Self:
        q = _staff(scope)
        if scope.person_id:
            q |= Q(proposer__person_id=scope.person_id)
        return self.filter(q)

    def review_rule(self, scope: Scope) -> Self:
        return self.filter(_staff(scope))

    def in_library(self) -> Self:
        return self.filter(status=Topic.Status.LIBRARY)


class Topic(TrackedModel):
    """A lecture topic (课题): proposed by a volunteer, reviewed by staff, in the library (入库), retired."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("待审核")
        LIBRARY = "library", _("已入库")
        RETURNED = "returned", _("退回修改")
        RETIRED = "retired", _("已停用")
        REJECTED = "rejected", _("不予入库")

    federation = models.ForeignKey("orgs.Federation", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("课题名称"), max_length=100)
    category = models.ForeignKey(
        ExpertiseCategory, verbose_name=_("专业类别"), on_delete=models.PROTECT, related_name="topics"
    )
    audience = models.CharField(_("适合对象"), max_length=100, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(_("时长（分钟）"), default=90)
    # Credited to each lecturer of a held lecture of this topic, on top of its length (备课).
    preparation_hours = models.DecimalField(_("备课时长（小时）"), max_digits=4, decimal_places=1, default=2)
    proposer = models.ForeignKey(
        Volunteer,
        verbose_name=_("申报人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposed_topics",
    )
    lecturers = models.ManyToManyField(
        Volunteer, verbose_name=_("授课讲师"), related_name="topics", blank=True
    )
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.PROPOSED)
    # The version lectures are scheduled from: the latest accepted one (None before the first acceptance).
    current_version = models.ForeignKey(
        "TopicVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_on = models.DateField(_("入库日期"), null=True, blank=True)
    # A qualification its lecturers must hold, valid on the lecture's day (e.g. 心肺复苏 needs a first-aid
    # instructor certificate); matched by name against the volunteers' qualifications.
    required_qualification = models.CharField(_("所需资质"), max_length=100, blank=True)

    objects = TopicQuerySet.as_manager()

    class Meta:
        ordering = ["category__order", "title", "id"]
        verbose_name = _("课题")
        verbose_name_plural = _("课题")

    def __str__(self) -> str:
        return self.title


class TopicVersion(TrackedModel):
    """One version of a topic's outline (打磨): the first proposal, then each revision, each reviewed.

    Read only through its topic (which the reader may already see); lectures point at the version they
    delivered."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        ACCEPTED = "accepted", _("已通过")
        RETURNED = "returned", _("已退回")
        REJECTED = "rejected", _("不予入库")

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("版本"))
    outline = models.TextField(_("课程大纲"))
    changes = models.TextField(_("修改说明"), blank=True)
    status = models.CharField(_("审核状态"), max_length=20, choices=Status.choices, default=Status.PENDING)
    submitted_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    review_comment = models.TextField(_("审核意见"), blank=True)

    class Meta:
        ordering = ["topic_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["topic", "number"], name="lectures_topic_version_unique")
        ]
        verbose_name = _("课题版本")
        verbose_name_plural = _("课题版本")

    def __str__(self) -> str:
        return f"{self.topic_id} v{self.number}"


TOPIC_MACHINE = StateMachine(
    field="status",
    transitions=[
        Transition("accept", source={"proposed"}, target="library", label=_("审核入库"), action="review"),
        Transition(
            "return",
            source={"proposed"},
            target="returned",
            label=_("退回修改"),
            needs_reason=True,
            action="review",
        ),
        Transition("resubmit", source={"returned"}, target="proposed", label=_("重新提交"), action="change"),
        Transition(
            "reject",
            source={"proposed"},
            target="rejected",
            label=_("不予入库"),
            needs_reason=True,
            action="review",
        ),
        Transition(
            "retire",
            source={"library"},
            target="retired",
            label=_("停用"),
            needs_reason=True,
            action="review",
        ),
        Transition("restore", source={"retired"}, target="library", label=_("恢复入库"), action="review"),
    ],
)


def _lecturer_of(scope: Scope, lecture_path: str = "") -> Q:
    """Rows of lectures the user gives (she is one of their lecturers)."""
    if not scope.person_id:
        return Q(pk__in=[])
    lectures = Lecture.lecturers.through.objects.filter(volunteer__person_id=scope.person_id).values(
        "lecture_id"
    )
    return Q(**{f"{lecture_path}pk__in" if not lecture_path else f"{lecture_path}id__in": lectures})


class LectureQuerySet(ScopedQuerySet):
    """view: every business role of the federation (lectures are announced to all its units); change
    (edit, cancel, record as held): staff and the host unit's liaison; register: every business role of the
    federation while it is scheduled; checkin (at the door, attendance): staff, the host unit's liaison and
    the lecture's lecturers."""

    actions = frozenset({"view", "change", "register", "checkin"})

    def view_rule(self, scope: Scope) -> Self:
        return self.filter(_in_business_federations(scope))

    def change_rule(self, scope: Scope) -> Self:
        return self.filter(_staff(scope) | Q(host_unit_id__in=scope.units_for(Role.UNIT_LIAISON)))

    def register_rule(self, scope: Scope) -> Self:
        return self.filter(_in_business_federations(scope), status=Lecture.Status.SCHEDULED)

    def checkin_rule(self, scope: Scope) -> Self:
        return self.filter(
            _staff(scope) | Q(host_unit_id__in=scope.units_for(Role.UNIT_LIAISON)) | _lecturer_of(scope)
        )


class Lecture(TrackedModel):
    """A lecture (讲座): one topic version given by its lecturers at a time and place, with registrations."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("报名中")
        HELD = "held", _("已举办")
        CANCELLED = "cancelled", _("已取消")

    federation = models.ForeignKey("orgs.Federation", on_delete=models.PROTECT, related_name="+")
    topic = models.ForeignKey(
        Topic, verbose_name=_("课题"), on_delete=models.PROTECT, related_name="lectures"
    )
    # The exact version delivered (打磨: feedback of a version feeds its next revision).
    topic_version = models.ForeignKey(
        TopicVersion, verbose_name=_("课题版本"), on_delete=models.PROTECT, related_name="lectures"
    )
    lecturers = models.ManyToManyField(Volunteer, verbose_name=_("授课讲师"), related_name="lectures")
    starts_at = models.DateTimeField(_("开始时间"))
    duration_minutes = models.PositiveSmallIntegerField(_("时长（分钟）"), default=90)
    venue = models.CharField(_("地点"), max_length=200)
    host_unit = models.ForeignKey(
        "orgs.Unit",
        verbose_name=_("主办单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    community = models.ForeignKey(
        "orgs.Community",
        verbose_name=_("所在社区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    capacity = models.PositiveIntegerField(_("名额"), default=50)
    # How long a freed place is held for the first on the waiting list before it goes to the next.
    offer_hours = models.PositiveSmallIntegerField(
        _("候补名额保留时长（小时）"), default=OFFER_HOURS
    )
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.SCHEDULED)

    objects = LectureQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["federation", "status", "starts_at"], name="lectures_lecture_status")]
        verbose_name = _("讲座")
        verbose_name_plural = _("讲座")

    def __str__(self) -> str:
        return f"{self.topic.title}（{self.starts_at:%Y-%m-%d}）"


LECTURE_MACHINE = StateMachine(
    field="status",
    transitions=[
        Transition("hold", source={"scheduled"}, target="held", label=_("登记已举办"), action="change"),
        Transition(
            "cancel",
            source={"scheduled"},
            target="cancelled",
            label=_("取消讲座"),
            needs_reason=True,
            action="change",
        ),
    ],
)


class RegistrationQuerySet(ScopedQuerySet):
    """view: staff, the person registered, the lecture's lecturers and host liaison; change (cancel): staff
    and the person; feedback: the person; mark (attendance): who checks in at the door."""

    actions = frozenset({"view", "change", "feedback", "mark"})

    def _self(self, scope: Scope) -> Q:
        return Q(person_id=scope.person_id) if scope.person_id else Q(pk__in=[])

    def _door(self, scope: Scope) -> Q:
        return (
            _staff(scope)
            | Q(lecture__host_unit_id__in=scope.units_for(Role.UNIT_LIAISON))
            | _lecturer_of(scope, "lecture__")
        )

    def view_rule(self, scope: Scope) -> Self:
        return self.filter(self._door(scope) | self._self(scope))

    def change_rule(self, scope: Scope) -> Self:
        return self.filter(_staff(scope) | self._self(scope))

    def feedback_rule(self, scope: Scope) -> Self:
        return self.filter(self._self(scope))

    def mark_rule(self, scope: Scope) -> Self:
        return self.filter(self._door(scope))


class Registration(TrackedModel):
    """A person's registration (报名) for a lecture: registered or on the waiting list; cancelling is a state."""

    class Status(models.TextChoices):
        REGISTERED = "registered", _("已报名")
        WAITLISTED = "waitlisted", _("候补")
        # A freed place held for the first on the waiting list until `offer_expires_at` (pretix).
        OFFERED = "offered", _("候补待确认")
        CANCELLED = "cancelled", _("已取消")
        LAPSED = "lapsed", _("逾期未确认")

    class Attendance(models.TextChoices):
        UNKNOWN = "unknown", _("未签到")
        ATTENDED = "attended", _("已出席")
        ABSENT = "absent", _("缺席")
        EXCUSED = "excused", _("请假")

    federation = models.ForeignKey("orgs.Federation", on_delete=models.PROTECT, related_name="+")
    lecture = models.ForeignKey(Lecture, on_delete=models.PROTECT, related_name="registrations")
    person = models.ForeignKey(
        "orgs.Person", verbose_name=_("报名人"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.REGISTERED)
    attendance = models.CharField(
        _("出席"), max_length=20, choices=Attendance.choices, default=Attendance.UNKNOWN
    )
    code = models.CharField(_("签到码"), max_length=12, unique=True)
    registered_at = models.DateTimeField(_("报名时间"), auto_now_add=True)
    walk_in = models.BooleanField(_("现场登记"), default=False)
    offer_expires_at = models.DateTimeField(_("名额保留至"), null=True, blank=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["registered_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["lecture", "person"],
                condition=~Q(status__in=["cancelled", "lapsed"]),
                name="lectures_one_live_registration",
            ),
        ]
        verbose_name = _("报名")
        verbose_name_plural = _("报名")

    def __str__(self) -> str:
        return f"{self.person.name} · {self.lecture_id}"


class FeedbackQuerySet(ScopedQuerySet):
    """view: staff, the author, and the lecturers (who see it without names); change: the author."""

    def view_rule(self, scope: Scope) -> Self:
        q = _staff(scope) | _lecturer_of(scope, "lecture__")
        if scope.person_id:
            q |= Q(registration__person_id=scope.person_id)
        return self.filter(q)

    def change_rule(self, scope: Scope) -> Self:
        return self.filter(registration__person_id=scope.person_id) if scope.person_id else self.none()


class Feedback(TrackedModel):
    """An attendee's feedback (学员反馈) on a lecture she attended: ratings 1–5 per criterion and a comment."""

    federation = models.ForeignKey("orgs.Federation", on_delete=models.PROTECT, related_name="+")
    lecture = models.ForeignKey(Lecture, on_delete=models.PROTECT, related_name="feedback")
    registration = models.OneToOneField(Registration, on_delete=models.PROTECT, related_name="feedback")
    relevance = models.PositiveSmallIntegerField(_("实用性"))
    content = models.PositiveSmallIntegerField(_("内容"))
    delivery = models.PositiveSmallIntegerField(_("讲授"))
    comment = models.TextField(_("意见建议"), blank=True)

    objects = FeedbackQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    relevance__gte=1,
                    relevance__lte=5,
                    content__gte=1,
                    content__lte=5,
                    delivery__gte=1,
                    delivery__lte=5,
                ),
                name="lectures_feedback_ratings",
            ),
        ]
        verbose_name = _("学员反馈")
        verbose_name_plural = _("学员反馈")

    def __str__(self) -> str:
        return f"{_('学员反馈')} #{self.pk}"


class LectureRequestQuerySet(ScopedQuerySet):
    """view: staff, the ordering community's contacts or unit's liaison, and the lecturer it is offered to;
    change (withdraw, rate): the orderers; review (match, reject): staff; answer (accept, decline): the
    lecturer it is offered to."""

    actions = frozenset({"view", "change", "review", "answer"})

    def _orderers(self, scope: Scope) -> Q:
        return Q(community_id__in=scope.communities_for(Role.REQUESTER)) | Q(
            unit_id__in=scope.units_for(Role.UNIT_LIAISON)
        )

    def _lecturer(self, scope: Scope) -> Q:
        return Q(volunteer__person_id=scope.person_id) if scope.person_id else Q(pk__in=[])

    def view_rule(self, scope: Scope) -> Self:
        return self.filter(_staff(scope) | self._orderers(scope) | self._lecturer(scope))

    def change_rule(self, scope: Scope) -> Self:
        return self.filter(self._orderers(scope))

    def review_rule(self, scope: Scope) -> Self:
        return self.filter(_staff(scope))

    def answer_rule(self, scope: Scope) -> Self:
        return self.filter(self._lecturer(scope))


class LectureRequest(TrackedModel):
    """A lecture order (点单): a community or unit orders a topic from the library; staff match a lecturer,
    who accepts (the lecture is scheduled); after it is held the orderer rates it."""

    class Status(models.TextChoices):
        NEW = "new", _("待匹配")
        MATCHED = "matched", _("待讲师确认")
        CONFIRMED = "confirmed", _("已确认")
        HELD = "held", _("已举办")
        RATED = "rated", _("已评价")
        REJECTED = "rejected", _("不予受理")
        WITHDRAWN = "withdrawn", _("已撤回")

    federation = models.ForeignKey("orgs.Federation", on_delete=models.PROTECT, related_name="+")
    topic = models.ForeignKey(
        Topic, verbose_name=_("课题"), on_delete=models.PROTECT, related_name="requests"
    )
    community = models.ForeignKey(
        "orgs.Community",
        verbose_name=_("点单社区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit = models.ForeignKey(
        "orgs.Unit",
        verbose_name=_("点单单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_by = models.ForeignKey(
        "accounts.User", verbose_name=_("点单人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    preferred_date = models.DateField(_("希望日期"))
    preferred_note = models.CharField(
        _("时间说明"), max_length=200, blank=True, help_text=_("例如：周末下午")
    )
    audience = models.CharField(_("听众"), max_length=100, blank=True)
    expected_size = models.PositiveIntegerField(_("预计人数"), default=30)
    venue = models.CharField(_("地点"), max_length=200)
    notes = models.TextField(_("备注"), blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.NEW)
    volunteer = models.ForeignKey(
        Volunteer,
        verbose_name=_("匹配讲师"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="requests",
    )
    matched_at = models.DateTimeField(_("匹配时间"), null=True, blank=True)
    lecture = models.OneToOneField(
        Lecture,
        verbose_name=_("讲座"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="request",
    )
    rating = models.PositiveSmallIntegerField(_("评分"), null=True, blank=True)
    rating_comment = models.TextField(_("评价"), blank=True)

    objects = LectureRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["federation", "status"], name="lectures_request_status")]
        verbose_name = _("点单")
        verbose_name_plural = _("点单")

    def __str__(self) -> str:
        return f"{_('点单')} #{self.pk} {self.topic.title}"

    @property
    def orderer_name(self) -> str:
        org = self.community or self.unit
        return org.name if org is not None else ""


REQUEST_MACHINE = StateMachine(
    field="status",
    transitions=[
        Transition("match", source={"new"}, target="matched", label=_("匹配讲师"), action="review"),
        Transition(
            "reject",
            source={"new"},
            target="rejected",
            label=_("不予受理"),
            needs_reason=True,
            action="review",
        ),
        Transition("accept", source={"matched"}, target="confirmed", label=_("接受邀请"), action="answer"),
        Transition(
            "decline", source={"matched"}, target="new", label=_("婉拒"), needs_reason=True, action="answer"
        ),
        Transition("hold", source={"confirmed"}, target="held", label=_("讲座已举办")),
        Transition("rate", source={"held"}, target="rated", label=_("评价"), action="change"),
        Transition(
            "withdraw",
            source={"new", "matched"},
            target="withdrawn",
            label=_("撤回点单"),
            needs_reason=True,
            action="change",
        ),
    ],
)


class CertificateQuerySet(ScopedQuerySet):
    """view: the federation's staff and the volunteer herself (anyone else checks a code on the public page,
    which reads one certificate by its code and shows only what is printed on it)."""

    def view_rule(self, scope: Scope) -> Self:
        q = _staff(scope)
        if scope.person_id:
            q |= Q(volunteer__person_id=scope.person_id)
        return self.filter(q)

    def change_rule(self, scope: Scope) -> Self:
        return self.filter(_staff(scope))


class ServiceCertificate(TrackedModel):
    """An issued certificate of service (志愿服务证明): what it said on the day it was issued, under an
    unguessable verification code, so that anyone holding the paper can check it is genuine."""

    federation = models.ForeignKey("orgs.Federation", on_delete=models.PROTECT, related_name="+")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="certificates")
    code = models.CharField(_("验证码"), max_length=24, unique=True)
    volunteer_name = models.CharField(_("志愿者姓名"), max_length=100)
    unit_name = models.CharField(_("工作单位"), max_length=200, blank=True)
    period_start = models.DateField(_("起始日期"), null=True, blank=True)
    period_end = models.DateField(_("截止日期"), null=True, blank=True)
    lecture_count = models.PositiveIntegerField(_("主讲讲座（场）"), default=0)
    hours = models.DecimalField(_("服务时长（小时）"), max_digits=8, decimal_places=2)
    issued_on = models.DateField(_("开具日期"))
    issued_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = CertificateQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = _("志愿服务证明")
        verbose_name_plural = _("志愿服务证明")

    def __str__(self) -> str:
        return f"{self.volunteer_name} {self.code}"


class EvidenceFile(models.Model):
    """A file kept as evidence (佐证材料): checked by its content (core.uploads), stored by its hash outside the
    web root and streamed only by a scoped view."""

    evidence_path = models.CharField(max_length=200, blank=True)
    evidence_name = models.CharField(_("佐证材料"), max_length=200, blank=True)
    evidence_kind = models.CharField(max_length=10, blank=True)
    evidence_type = models.CharField(max_length=100, blank=True)
    evidence_size = models.PositiveIntegerField(default=0)
    evidence_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        abstract = True

    @property
    def has_evidence(self) -> bool:
        return bool(self.evidence_path)


class QualificationQuerySet(ScopedQuerySet):
    """view: the federation's staff, the liaison of the volunteer's unit, the volunteer herself; change (add,
    correct, withdraw): staff and the volunteer herself."""

    def _own(self, scope: Scope) -> Q:
        return Q(volunteer__person_id=scope.person_id) if scope.person_id else Q(pk__in=[])

    def view_rule(self, scope: Scope) -> Self:
        return self.filter(
            _staff(scope) | Q(volunteer__unit_id__in=scope.units_for(Role.UNIT_LIAISON)) | self._own(scope)
        )

    def change_rule(self, scope: Scope) -> Self:
        return self.filter(_staff(scope) | self._own(scope))


class Qualification(TrackedModel, EvidenceFile):
    """A volunteer's qualification (资质证书), valid from `issued_on` to `valid_until` (open-ended when empty)."""

    federation = models.ForeignKey("orgs.Federation", on_delete=models.PROTECT, related_name="+")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="qualifications")
    name = models.CharField(_("资质名称"), max_length=100)
    issued_on = models.DateField(_("发证日期"))
    valid_until = models.DateField(_("有效期至"), null=True, blank=True, help_text=_("长期有效的留空。"))

    objects = QualificationQuerySet.as_manager()

    class Meta:
        ordering = ["name", "-valid_until", "id"]
        verbose_name = _("资质证书")
        verbose_name_plural = _("资质证书")

    def __str__(self) -> str:
        return self.name

    def valid_on(self, day: dt.date) -> bool:
        return self.issued_on <= day and (self.valid_until is None or self.valid_until >= day)


class OtherServiceQuerySet(ScopedQuerySet):
    """view: the federation's staff, the liaison of the volunteer's unit, the volunteer herself; change (record):
    staff and the volunteer herself; review (approve, reject): staff."""

    actions = frozenset({"view", "change", "review"})

    def _own(self, scope: Scope) -> Q:
        return Q(volunteer__person_id=scope.person_id) if scope.person_id else Q(pk__in=[])

    def view_rule(self, scope: Scope) -> Self:
        return self.filter(
            _staff(scope) | Q(volunteer__unit_id__in=scope.units_for(Role.UNIT_LIAISON)) | self._own(scope)
        )

    def change_rule(self, scope: Scope) -> Self:
        return self.filter(_staff(scope) | self._own(scope))

    def review_rule(self, scope: Scope) -> Self:
        return self.filter(_staff(scope))


class OtherService(TrackedModel, EvidenceFile):
    """Service other than lecturing (其他志愿服务), recorded with evidence and counted in the service hours once
    staff approve it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        APPROVED = "approved", _("已认定")
        REJECTED = "rejected", _("不予认定")

    federation = models.ForeignKey("orgs.Federation", on_delete=models.PROTECT, related_name="+")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="other_services")
    served_on = models.DateField(_("服务日期"))
    hours = models.DecimalField(_("服务时长（小时）"), max_digits=4, decimal_places=1)
    description = models.TextField(_("服务内容"))
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.PENDING)
    recorded_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decision_reason = models.TextField(_("审核意见"), blank=True)

    objects = OtherServiceQuerySet.as_manager()

    class Meta:
        ordering = ["-served_on", "-id"]
        indexes = [models.Index(fields=["federation", "status"], name="lectures_other_status")]
        verbose_name = _("其他志愿服务")
        verbose_name_plural = _("其他志愿服务")

    def __str__(self) -> str:
        return f"{self.served_on:%Y-%m-%d} {self.hours} h"


OTHER_SERVICE_MACHINE = StateMachine(
    field="status",
    transitions=[
        Transition("approve", source={"pending"}, target="approved", label=_("认定时长"), action="review"),
        Transition(
            "reject",
            source={"pending"},
            target="rejected",
            label=_("不予认定"),
            needs_reason=True,
            action="review",
        ),
    ],
)


class CalendarFeedQuerySet(ScopedQuerySet):
    """view, change: the feed's own user only (the calendar app reads it by its secret token, not as a user)."""

    def view_rule(self, scope: Scope) -> Self:
        return self.filter(user_id=scope.user_id) if scope.user_id else self.none()

    def change_rule(self, scope: Scope) -> Self:
        return self.view_rule(scope)


class CalendarFeed(TrackedModel):
    """A user's personal calendar feed (iCalendar): her registrations and the lectures she gives, read by her
    calendar app at a URL holding a secret token; a new token revokes the old URL, and revoking ends it."""

    user = models.OneToOneField("accounts.User", on_delete=models.CASCADE, related_name="lecture_feed")
    token = models.CharField(max_length=64, unique=True)
    active = models.BooleanField(default=True)

    objects = CalendarFeedQuerySet.as_manager()

    class Meta:
        verbose_name = _("日历订阅")
        verbose_name_plural = _("日历订阅")

    def __str__(self) -> str:
        return f"{_('日历订阅')} #{self.pk}"


# ------------------------------------------------------------------------------------------ topic review
# Topic review in phases (pretalx): weighted criteria, invited reviewers, reviews of the version they saw,
# decisions staged by staff and released together. The rules are in lectures/review.py.

# The default review criteria (评审标准) a federation starts with, with their weights; staff edit them.
DEFAULT_CRITERIA: tuple[tuple[str, int], ...] = (("相关性", 1), ("内容", 1), ("表达", 1))


def _reviewer_federations(scope: Scope) -> Q:
    """Rows of the federations that invited the user as a reviewer (评审专家)."""
    if not scope.user_id:
        return Q(pk__in=[])
    return Q(
        federation_id__in=ReviewerInvitation.objects.filter(user_id=scope.user_id, active=True).values(
            "federation_id"
        )
    )


class ReviewSettingsQuerySet(ScopedQuerySet):
    """view: the federation's staff and its invited reviewers (who need to know the phase); change: its staff."""

    def view_rule(self, scope: Scope) -> Self:
        return self.filter(_staff(scope) | _reviewer_federations(scope))

    def change_rule(self, scope: Scope) -> Self:
        return self.filter(_staff(scope))


class ReviewSettings(TrackedModel):
    """A federation's topic review settings (课题评审设置): the phase that says who may do what."""

    class Phase(models.TextChoices):
        CLOSED = "closed", _("未开始")
        REVIEW = "review", _("评审中")
        DECISION = "decision", _("决定")

    federation = models.OneToOneField("orgs.Federation", on_delete=models.PROTECT, related_name="+")
    phase = models.CharField(_("评审阶段"), max_length=20, choices=Phase.choices, default=Phase.REVIEW)

    objects = ReviewSettingsQuerySet.as_manager()

    class Meta:
        verbose_name = _("课题评审设置")
        verbose_name_plural = _("课题评审设置")

    def __str__(self) -> str:
        return str(self.get_phase_display())


class ReviewCriterion(TrackedModel):
    """A review criterion (评审标准) of a federation, scored 1–5, with its weight in the weighted score."""

    federation = models.ForeignKey("orgs.Federation", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("评审标准"), max_length=40)
    weight = models.PositiveSmallIntegerField(_("权重"), default=1)
    order = models.PositiveSmallIntegerField(_("排序"), default=100)
    active = models.BooleanField(_("启用"), default=True)

    objects = ReviewSettingsQuerySet.as_manager()

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["federation", "name"], name="lectures_criterion_unique"),
            models.CheckConstraint(condition=Q(weight__lte=10), name="lectures_criterion_weight"),
        ]
        verbose_name = _("评审标准")
        verbose_name_plural = _("评审标准")

    def __str__(self) -> str:
        return self.name


class ReviewerInvitationQuerySet(ScopedQuerySet):
    """view: the federation's staff and the invited user herself; change (withdraw): staff."""

    def view_rule(self, scope: Scope) -> Self:
        q = _staff(scope)
        if scope.user_id:
            q |= Q(user_id=scope.user_id)
        return self.filter(q)

    def change_rule(self, scope: Scope) -> Self:
        return self.filter(_staff(scope))


class ReviewerInvitation(TrackedModel):
    """An invitation to review the federation's topics (评审专家邀请): a volunteer or any user, by staff."""

    federation = models.ForeignKey("orgs.Federation", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        "accounts.User", verbose_name=_("评审专家"), on_delete=models.PROTECT, related_name="+"
    )
    active = models.BooleanField(_("有效"), default=True)
    invited_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ReviewerInvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-active", "id"]
        constraints = [
            models.UniqueConstraint(fields=["federation", "user"], name="lectures_reviewer_unique")
        ]
        verbose_name = _("评审专家")
        verbose_name_plural = _("评审专家")

    def __str__(self) -> str:
        return str(self.user)


class ReviewTopicQuerySet(ScopedQuerySet):
    """Topics as the review sees them. view and score: the federation's staff and invited reviewers, except
    the topics they propose or give themselves; decide (stage a decision): staff."""

    actions = frozenset({"view", "score", "decide"})

    def _not_own(self, scope: Scope) -> Q:
        if not scope.person_id:
            return Q()
        return ~Q(proposer__person_id=scope.person_id) & ~Q(
            pk__in=Topic.lecturers.through.objects.filter(volunteer__person_id=scope.person_id).values(
                "topic_id"
            )
        )

    def view_rule(self, scope: Scope) -> Self:
        return self.filter((_staff(scope) | _reviewer_federations(scope)) & self._not_own(scope))

    def score_rule(self, scope: Scope) -> Self:
        return self.view_rule(scope)

    def decide_rule(self, scope: Scope) -> Self:
        return self.filter(_staff(scope) & self._not_own(scope))


class ReviewTopic(Topic):
    """A topic as it is reviewed (课题评审): the same row, scoped for reviewers."""

    objects = ReviewTopicQuerySet.as_manager()  # type: ignore[assignment,misc]

    class Meta:
        proxy = True
        verbose_name = _("课题评审")
        verbose_name_plural = _("课题评审")


class TopicReviewQuerySet(ScopedQuerySet):
    """view: the federation's staff and the reviewer herself; change: the reviewer herself."""

    def view_rule(self, scope: Scope) -> Self:
        q = _staff(scope)
        if scope.user_id:
            q |= Q(reviewer_id=scope.user_id)
        return self.filter(q)

    def change_rule(self, scope: Scope) -> Self:
        return self.filter(reviewer_id=scope.user_id) if scope.user_id else self.none()


class TopicReview(TrackedModel):
    """A reviewer's review (评审意见) of a topic: scores per criterion and a comment, on the version she saw.

    One per reviewer and topic: scoring again updates it (and the version it records)."""

    federation = models.ForeignKey("orgs.Federation", on_delete=models.PROTECT, related_name="+")
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="reviews")
    topic_version = models.ForeignKey(TopicVersion, on_delete=models.PROTECT, related_name="reviews")
    reviewer = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    comment = models.TextField(_("评审意见"), blank=True)
    # What the reviewer saw (title, category, audience, duration, outline), to show her what changed since.
    seen = models.JSONField(default=dict)

    objects = TopicReviewQuerySet.as_manager()

    class Meta:
        ordering = ["topic_id", "id"]
        constraints = [models.UniqueConstraint(fields=["topic", "reviewer"], name="lectures_review_unique")]
        verbose_name = _("评审意见")
        verbose_name_plural = _("评审意见")

    def __str__(self) -> str:
        return f"{_('评审意见')} #{self.pk}"


class ReviewScore(models.Model):
    """One score (1–5) of a review on one criterion; read through its review."""

    federation = models.ForeignKey("orgs.Federation", on_delete=models.PROTECT, related_name="+")
    review = models.ForeignKey(TopicReview, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(ReviewCriterion, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(_("评分"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="lectures_review_score_unique"),
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=5), name="lectures_review_score_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.score}"


class TopicDecisionQuerySet(ScopedQuerySet):
    """view: the federation's staff; the proposer only once it is released; change (stage, release): staff."""

    def view_rule(self, scope: Scope) -> Self:
        q = _staff(scope)
        if scope.person_id:
            q |= Q(topic__proposer__person_id=scope.person_id, released_at__isnull=False)
        return self.filter(q)

    def change_rule(self, scope: Scope) -> Self:
        return self.filter(_staff(scope))


class TopicDecision(TrackedModel):
    """A review decision (评审决定) on a topic version: staged by staff, released together with the others
    (发布决定), when the topic moves and its proposer is told."""

    class Outcome(models.TextChoices):
        ACCEPT = "accept", _("审核入库")
        RETURN = "return", _("退回修改")
        REJECT = "reject", _("不予入库")

    federation = models.ForeignKey("orgs.Federation", on_delete=models.PROTECT, related_name="+")
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="decisions")
    topic_version = models.ForeignKey(TopicVersion, on_delete=models.PROTECT, related_name="decisions")
    outcome = models.CharField(_("决定"), max_length=20, choices=Outcome.choices)
    comment = models.TextField(_("意见"), blank=True)
    staged_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    released_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    released_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = TopicDecisionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["topic_version"],
                condition=Q(released_at__isnull=True),
                name="lectures_decision_staged_once",
            )
        ]
        verbose_name = _("评审决定")
        verbose_name_plural = _("评审决定")

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} · {self.topic_id}"


# ------------------------------------------------------------------------------------------ availability
class AvailabilityQuerySet(ScopedQuerySet):
    """view: the federation's staff, the liaison of the volunteer's unit, the volunteer herself; change: staff
    and the volunteer herself."""

    def _own(self, scope: Scope) -> Q:
        return Q(volunteer__person_id=scope.person_id) if scope.person_id else Q(pk__in=[])

    def view_rule(self, scope: Scope) -> Self:
        return self.filter(
            _staff(scope) | Q(volunteer__unit_id__in=scope.units_for(Role.UNIT_LIAISON)) | self._own(scope)
        )

    def change_rule(self, scope: Scope) -> Self:
        return self.filter(_staff(scope) | self._own(scope))


class WeeklyAvailability(TrackedModel):
    """A volunteer's weekly pattern of when she can lecture (每周可授课日): the weekdays, Monday = 1."""

    federation = models.ForeignKey("orgs.Federation", on_delete=models.PROTECT, related_name="+")
    volunteer = models.OneToOneField(Volunteer, on_delete=models.CASCADE, related_name="weekly")
    # The ISO weekdays she is available on, as digits ("136": Monday, Wednesday, Saturday).
    weekdays = models.CharField(_("每周可授课日"), max_length=7, blank=True)

    objects = AvailabilityQuerySet.as_manager()

    class Meta:
        verbose_name = _("每周可授课日")
        verbose_name_plural = _("每周可授课日")

    def __str__(self) -> str:
        return self.weekdays


class AwayPeriod(TrackedModel):
    """Dates a volunteer is away (不能授课的日期), from `starts_on` to `ends_on` inclusive."""

    federation = models.ForeignKey("orgs.Federation", on_delete=models.PROTECT, related_name="+")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="away_periods")
    starts_on = models.DateField(_("起始日期"))
    ends_on = models.DateField(_("截止日期"))
    note = models.CharField(_("说明"), max_length=100, blank=True)

    objects = AvailabilityQuerySet.as_manager()

    class Meta:
        ordering = ["starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="lectures_away_order"
            )
        ]
        verbose_name = _("不能授课的日期")
        verbose_name_plural = _("不能授课的日期")

    def __str__(self) -> str:
        return f"{self.starts_on:%Y-%m-%d}–{self.ends_on:%Y-%m-%d}"
