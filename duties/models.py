"""The executive duty system (执委履职): executives, their division of contact (分工联系) and contact logs.

Every row carries its federation's id (the tenant key). Who sees what is declared once per queryset, by
action (core.scoping): the federation's staff see and arrange everything of their federation; an executive
sees her own records (matched through her person, `Scope.person_id`); a unit's liaison sees the unit's
executives (not their logs).
"""

from __future__ import annotations

from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.confidential import ConfidentialQuerySet
from core.crypto import blind_index
from core.fields import BlindIndexField, ConfidentialCharField, ConfidentialTextField, EncryptedCharField
from core.models import TrackedModel
from core.roles import Role
from core.scoping import Scope, ScopedQuerySet
from core.states import StateMachine, Transition


def own_q(scope: Scope, path: str = "executive__person_id") -> Q:
    """The rows of the executive who is the scope's person (nothing when the user has no person)."""
    return Q(**{path: scope.person_id}) if scope.person_id else Q(pk__in=[])


def staff_q(scope: Scope, path: str = "federation_id") -> Q:
    return Q(**{f"{path}__in": scope.federations_with(Role.FEDERATION_STAFF)})


class ExecutiveQuerySet(ScopedQuerySet):
    """view: the federation's staff and hotline supervisors, the unit's liaison, the executive herself;
    change: the federation's staff."""

    def view_rule(self, scope: Scope) -> Self:
        q = Q(federation_id__in=scope.federations_with(Role.FEDERATION_STAFF, Role.HOTLINE_SUPERVISOR))
        q |= Q(unit_id__in=scope.units_for(Role.UNIT_LIAISON))
        return self.filter(q | own_q(scope, "person_id"))

    def change_rule(self, scope: Scope) -> Self:
        return self.filter(staff_q(scope))

    def in_office_on(self, day: object) -> Self:
        return self.filter(Q(started_on__lte=day), Q(ended_on__isnull=True) | Q(ended_on__gte=day))


class Executive(TrackedModel):
    """A member of an executive board (执委): the federation's or a unit committee's, for a term."""

    class Board(models.TextChoices):
        FEDERATION = "federation", _("区妇联执委")
        UNIT = "unit", _("单位妇委会执委")

    federation = models.ForeignKey("orgs.Federation", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        "orgs.Person", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="+"
    )
    # The unit the executive serves (her unit's duty records count for it in the self-inspection).
    unit = models.ForeignKey(
        "orgs.Unit",
        verbose_name=_("所在单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    board = models.CharField(_("执委会"), max_length=20, choices=Board.choices, default=Board.FEDERATION)
    started_on = models.DateField(_("任职日期"))
    ended_on = models.DateField(_("离任日期"), null=True, blank=True)

    objects = ExecutiveQuerySet.as_manager()

    class Meta:
        ordering = ["federation_id", "person__name", "pk"]
        verbose_name = _("执委")
        verbose_name_plural = _("执委")
        indexes = [models.Index(fields=["federation", "unit"], name="duties_exec_fed_unit")]

    def __str__(self) -> str:
        return f"{self.person.name}（{_('执委')}）"

    @property
    def name(self) -> str:
        return self.person.name


class AssignmentQuerySet(ScopedQuerySet):
    """view: the federation's staff and the executive; change (arrange): staff; log (record a contact):
    the executive and staff."""

    actions = frozenset({"view", "change", "log"})

    def view_rule(self, scope: Scope) -> Self:
        return self.filter(staff_q(scope) | own_q(scope))

    def change_rule(self, scope: Scope) -> Self:
        return self.filter(staff_q(scope))

    def log_rule(self, scope: Scope) -> Self:
        return self.filter(staff_q(scope) | own_q(scope))


class ContactAssignment(TrackedModel):
    """Division of contact (分工联系): a unit, community, women's group or family an executive keeps in
    touch with. A family's name, phone and address are personal information, encrypted at rest."""

    class Kind(models.TextChoices):
        UNIT = "unit", _("机关单位")
        COMMUNITY = "community", _("社区/街道")
        GROUP = "group", _("妇女群体")
        FAMILY = "family", _("家庭")

    federation = models.ForeignKey("orgs.Federation", on_delete=models.PROTECT, related_name="+")
    executive = models.ForeignKey(Executive, on_delete=models.PROTECT, related_name="assignments")
    kind = models.CharField(_("联系对象类别"), max_length=20, choices=Kind.choices)
    unit = models.ForeignKey("orgs.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey(
        "orgs.Community", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    group_name = models.CharField(_("群体名称"), max_length=100, blank=True)
    family_name = EncryptedCharField(_("家庭联系人"), max_length=50, blank=True)
    family_phone = EncryptedCharField(_("联系电话"), max_length=32, blank=True)
    family_address = EncryptedCharField(_("住址"), max_length=200, blank=True)
    assigned_on = models.DateField(_("分工日期"))
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["executive_id", "assigned_on", "pk"]
        verbose_name = _("联系分工")
        verbose_name_plural = _("联系分工")

    def __str__(self) -> str:
        return f"{_('联系分工')} #{self.pk}"

    @property
    def target_label(self) -> str:
        """What is kept in touch with, a family masked (surname only)."""
        if self.kind == self.Kind.UNIT and self.unit_id:
            return self.unit.name  # type: ignore[union-attr]
        if self.kind == self.Kind.COMMUNITY and self.community_id:
            return self.community.name  # type: ignore[union-attr]
        if self.kind == self.Kind.GROUP:
            return self.group_name
        name = self.family_name or ""
        return f"{name[:1]}{'*' * max(len(name) - 1, 1)}家庭" if name else str(_("家庭"))


class ContactLogQuerySet(ScopedQuerySet):
    """view: the federation's staff and the executive; change (correct, withdraw): who may record it."""

    def view_rule(self, scope: Scope) -> Self:
        return self.filter(staff_q(scope) | own_q(scope))

    def change_rule(self, scope: Scope) -> Self:
        return self.filter(staff_q(scope) | own_q(scope))

    def standing(self) -> Self:
        """Logs that count (not withdrawn)."""
        return self.filter(withdrawn_on__isnull=True)


class ContactLog(TrackedModel):
    """One contact (联系群众) an executive made or attempted: dated, never in the future."""

    class Way(models.TextChoices):
        VISIT = "visit", _("走访")
        PHONE = "phone", _("电话")
        WECHAT = "wechat", _("微信")
        MEETING = "meeting", _("座谈会")

    federation = models.ForeignKey("orgs.Federation", on_delete=models.PROTECT, related_name="+")
    assignment = models.ForeignKey(ContactAssignment, on_delete=models.PROTECT, related_name="logs")
    executive = models.ForeignKey(Executive, on_delete=models.PROTECT, related_name="contact_logs")
    contacted_on = models.DateField(_("联系日期"))
    way = models.CharField(_("联系方式"), max_length=20, choices=Way.choices)
    reached = models.BooleanField(_("已联系上"), default=True)
    subject = models.CharField(_("事由"), max_length=200)
    notes = models.TextField(_("情况记录"), blank=True)
    follow_up_due = models.DateField(_("跟进期限"), null=True, blank=True)
    follow_up_done_on = models.DateField(_("跟进完成日期"), null=True, blank=True)
    withdrawn_on = models.DateField(_("撤销日期"), null=True, blank=True)
    withdrawn_reason = models.CharField(_("撤销原因"), max_length=500, blank=True)

    objects = ContactLogQuerySet.as_manager()

    class Meta:
        ordering = ["-contacted_on", "-pk"]
        verbose_name = _("联系记录")
        verbose_name_plural = _("联系记录")
        indexes = [models.Index(fields=["executive", "contacted_on"], name="duties_log_exec_day")]

    def __str__(self) -> str:
        return f"{_('联系记录')} #{self.pk}"

    @property
    def follow_up_open(self) -> bool:
        return self.follow_up_due is not None and self.follow_up_done_on is None and self.withdrawn_on is None


class CorrectionQuerySet(ScopedQuerySet):
    def view_rule(self, scope: Scope) -> Self:
        return self.filter(staff_q(scope) | own_q(scope))


class DutyCorrection(TrackedModel):
    """A correction (更正) or withdrawal (撤销登记) of a duty record, with its reason, shown on the
    executive's page."""

    class Kind(models.TextChoices):
        CORRECT = "correct", _("更正")
        WITHDRAW = "withdraw", _("撤销登记")

    federation = models.ForeignKey("orgs.Federation", on_delete=models.PROTECT, related_name="+")
    executive = models.ForeignKey(Executive, on_delete=models.PROTECT, related_name="corrections")
    object_type = models.CharField(max_length=100)
    object_id = models.PositiveBigIntegerField()
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    summary = models.CharField(_("内容"), max_length=500)
    reason = models.CharField(_("原因"), max_length=500)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = CorrectionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("履职记录更正")
        verbose_name_plural = _("履职记录更正")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


# ---------------------------------------------------------------------------- per-federation settings
class DutySettingsQuerySet(ScopedQuerySet):
    """view, change: the federation's staff."""

    def view_rule(self, scope: Scope) -> Self:
        return self.filter(staff_q(scope))

    def change_rule(self, scope: Scope) -> Self:
        return self.filter(staff_q(scope))


class DutySettings(TrackedModel):
    """A federation's yearly expectations and time limits of the duty system; a federation without a row
    has the defaults."""

    NO_CONTACT_DAYS = 90
    REQUIRED_SHIFTS = 4
    RETENTION_YEARS = 5

    federation = models.OneToOneField("orgs.Federation", on_delete=models.PROTECT, related_name="+")
    no_contact_days = models.PositiveSmallIntegerField(
        _("未联系天数阈值"),
        default=NO_CONTACT_DAYS,
        help_text=_("超过这一天数没有联系上的分工对象列入联系覆盖情况。"),
    )
    required_shifts = models.PositiveSmallIntegerField(_("每名执委每年应值班次数"), default=REQUIRED_SHIFTS)
    case_retention_years = models.PositiveSmallIntegerField(
        _("个案内容保存年限"),
        default=RETENTION_YEARS,
        help_text=_("结案满这一年限后清除来电人信息和情况记录，统计数据保留。"),
    )

    objects = DutySettingsQuerySet.as_manager()

    class Meta:
        verbose_name = _("履职设置")
        verbose_name_plural = _("履职设置")

    def __str__(self) -> str:
        return str(_("履职设置"))

    @classmethod
    def of(cls, federation_id: int) -> DutySettings:
        """The federation's settings, or an unsaved row with the defaults."""
        return cls.objects.filter(federation_id=federation_id).first() or cls(federation_id=federation_id)


# ------------------------------------------------------------------------------ reception roster
def executive_of_federation_q(scope: Scope) -> Q:
    return Q(federation_id__in=scope.federations_with(Role.EXECUTIVE))


class ShiftQuerySet(ScopedQuerySet):
    """view: the federation's staff, hotline supervisors and executives (the roster is shared);
    change (publish, assign): staff; sign_up: the federation's executives, while the shift is open;
    check_in, offer: the executive on the shift."""

    actions = frozenset({"view", "change", "sign_up", "check_in", "offer"})

    def view_rule(self, scope: Scope) -> Self:
        roles = (Role.FEDERATION_STAFF, Role.HOTLINE_SUPERVISOR, Role.EXECUTIVE)
        return self.filter(Q(federation_id__in=scope.federations_with(*roles)))

    def change_rule(self, scope: Scope) -> Self:
        return self.filter(staff_q(scope))

    def sign_up_rule(self, scope: Scope) -> Self:
        return self.filter(executive_of_federation_q(scope), executive__isnull=True)

    def check_in_rule(self, scope: Scope) -> Self:
        return self.filter(own_q(scope))

    def offer_rule(self, scope: Scope) -> Self:
        return self.filter(own_q(scope))

    def served(self) -> Self:
        return self.filter(executive__isnull=False, checked_in_at__isnull=False)


class Shift(TrackedModel):
    """A shift (值班) at the 12338 hotline or the reception desk, open until an executive is on it."""

    class Desk(models.TextChoices):
        HOTLINE = "hotline", _("12338 热线")
        RECEPTION = "reception", _("接访窗口")

    federation = models.ForeignKey("orgs.Federation", on_delete=models.PROTECT, related_name="+")
    desk = models.CharField(_("岗位"), max_length=20, choices=Desk.choices, default=Desk.HOTLINE)
    on = models.DateField(_("值班日期"))
    starts_at = models.TimeField(_("开始时间"))
    ends_at = models.TimeField(_("结束时间"))
    executive = models.ForeignKey(
        Executive,
        verbose_name=_("值班执委"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="shifts",
    )
    checked_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)

    objects = ShiftQuerySet.as_manager()

    class Meta:
        ordering = ["on", "starts_at", "pk"]
        verbose_name = _("值班")
        verbose_name_plural = _("值班")
        indexes = [models.Index(fields=["federation", "on"], name="duties_shift_fed_on")]

    def __str__(self) -> str:
        return f"{_('值班')} {self.on.isoformat()} {self.starts_at:%H:%M}"


class CalendarFeedQuerySet(ScopedQuerySet):
    """view, change (create, revoke): the executive herself."""

    def view_rule(self, scope: Scope) -> Self:
        return self.filter(own_q(scope))

    def change_rule(self, scope: Scope) -> Self:
        return self.filter(own_q(scope))


class CalendarFeed(TrackedModel):
    """An executive's roster as an iCalendar feed, reached by a secret token in its address (a calendar
    application does not log in). Only the token's hash is kept; revoking it ends the address at once."""

    federation = models.ForeignKey("orgs.Federation", on_delete=models.PROTECT, related_name="+")
    executive = models.ForeignKey(Executive, on_delete=models.PROTECT, related_name="calendar_feeds")
    token_hash = models.CharField(max_length=64, unique=True)
    revoked_at = models.DateTimeField(_("停用时间"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最近访问"), null=True, blank=True)

    objects = CalendarFeedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("值班日历订阅")
        verbose_name_plural = _("值班日历订阅")

    def __str__(self) -> str:
        return f"{_('值班日历订阅')} #{self.pk}"


class SwapQuerySet(ScopedQuerySet):
    """view: the federation's staff and executives; take: another executive of the federation;
    approve (or reject): staff; withdraw: the executive who offered it."""

    actions = frozenset({"view", "take", "approve", "withdraw"})

    def view_rule(self, scope: Scope) -> Self:
        return self.filter(staff_q(scope) | executive_of_federation_q(scope))

    def take_rule(self, scope: Scope) -> Self:
        mine = Q(offered_by__person_id=scope.person_id) if scope.person_id else Q(pk__in=[])
        return self.filter(executive_of_federation_q(scope)).exclude(mine)

    def approve_rule(self, scope: Scope) -> Self:
        return self.filter(staff_q(scope))

    def withdraw_rule(self, scope: Scope) -> Self:
        return self.filter(own_q(scope, "offered_by__person_id"))


class ShiftSwap(TrackedModel):
    """A swap (调班): the executive on a shift offers it, another takes it, staff approve it."""

    class Status(models.TextChoices):
        OFFERED = "offered", _("待接班")
        TAKEN = "taken", _("待审批")
        APPROVED = "approved", _("已批准")
        REJECTED = "rejected", _("未批准")
        WITHDRAWN = "withdrawn", _("已撤回")

    federation = models.ForeignKey("orgs.Federation", on_delete=models.PROTECT, related_name="+")
    shift = models.ForeignKey(Shift, on_delete=models.PROTECT, related_name="swaps")
    offered_by = models.ForeignKey(Executive, on_delete=models.PROTECT, related_name="+")
    taken_by = models.ForeignKey(Executive, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.OFFERED)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    objects = SwapQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("调班")
        verbose_name_plural = _("调班")

    def __str__(self) -> str:
        return f"{_('调班')} #{self.pk}"


SWAP_MACHINE = StateMachine(
    field="status",
    transitions=[
        Transition("take", source={"offered"}, target="taken", label=_("接班"), action="take"),
        Transition("withdraw", source={"offered"}, target="withdrawn", label=_("撤回"), action="withdraw"),
        Transition("approve", source={"taken"}, target="approved", label=_("批准"), action="approve"),
        Transition(
            "reject",
            source={"taken"},
            target="rejected",
            label=_("不批准"),
            needs_reason=True,
            action="approve",
        ),
    ],
)


# ----------------------------------------------------------------------------------- hotline cases
def case_readers_q(scope: Scope, taker_path: str = "taker_id", federation_path: str = "federation_id") -> Q:
    """The taker of a case and the hotline supervisors of its federation: nobody else, not even staff."""
    q = Q(**{f"{federation_path}__in": scope.federations_with(Role.HOTLINE_SUPERVISOR)})
    return q | Q(**{taker_path: scope.user_id}) if scope.user_id else q


class HotlineCaseQuerySet(ConfidentialQuerySet):
    """view, read, change: the taker and the federation's hotline supervisors; everyone else gets 404.
    override (refer without consent): the supervisors alone."""

    actions = frozenset({"view", "read", "change", "override"})

    def view_rule(self, scope: Scope) -> Self:
        return self.filter(case_readers_q(scope))

    def read_rule(self, scope: Scope) -> Self:
        return self.filter(case_readers_q(scope))

    def change_rule(self, scope: Scope) -> Self:
        return self.filter(case_readers_q(scope))

    def override_rule(self, scope: Scope) -> Self:
        return self.filter(federation_id__in=scope.federations_with(Role.HOTLINE_SUPERVISOR))

    def by_phone(self, number: str) -> Self:
        """Cases whose caller's phone equals `number`, by keyed hash."""
        return (
            self.filter(caller_phone_hash=blind_index(number, kind="phone"))
            if number.strip()
            else self.none()
        )


class HotlineCase(TrackedModel):
    """A call or visit (来电/来访登记): the caller's identity and story encrypted, read by the fewest."""

    class Channel(models.TextChoices):
        CALL = "call", _("来电")
        VISIT = "visit", _("来访")

    class Category(models.TextChoices):
        MARRIAGE = "marriage", _("婚姻家庭")
        VIOLENCE = "violence", _("家庭暴力")
        LABOUR = "labour", _("劳动权益")
        INHERITANCE = "inheritance", _("财产继承")
        CHILDREN = "children", _("子女抚养")
        PSYCHOLOGY = "psychology", _("心理")
        POLICY = "policy", _("政策咨询")
        OTHER = "other", _("其他")

    class Status(models.TextChoices):
        RECEIVED = "received", _("已登记")
        IN_PROGRESS = "in_progress", _("办理中")
        REFERRED = "referred", _("已转介")
        FOLLOW_UP = "follow_up", _("回访中")
        CLOSED = "closed", _("已结案")

    federation = models.ForeignKey("orgs.Federation", on_delete=models.PROTECT, related_name="+")
    taker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接听人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    executive = models.ForeignKey(
        Executive, null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    shift = models.ForeignKey(Shift, null=True, blank=True, on_delete=models.SET_NULL, related_name="cases")
    received_on = models.DateField(_("登记日期"))
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices, default=Channel.CALL)
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices)
    urgent = models.BooleanField(_("紧急（人身安全）"), default=False)
    caller_name = ConfidentialCharField(_("来电人姓名"), max_length=50, blank=True)
    caller_phone = ConfidentialCharField(_("联系电话"), max_length=32, blank=True)
    caller_phone_hash = BlindIndexField(source="caller_phone", kind="phone")
    caller_address = ConfidentialCharField(_("住址"), max_length=200, blank=True)
    narrative = ConfidentialTextField(_("情况"))
    # What a list shows instead of the identity: a surname and the phone's last four digits (set at intake).
    masked_identity = models.CharField(_("来电人"), max_length=40, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.RECEIVED)
    closed_on = models.DateField(_("结案日期"), null=True, blank=True)
    # The day the contents were purged at the end of their retention (statistics fields are kept).
    purged_on = models.DateField(_("内容清除日期"), null=True, blank=True)

    objects = HotlineCaseQuerySet.as_manager()

    class Meta:
        ordering = ["-received_on", "-pk"]
        verbose_name = _("来电来访个案")
        verbose_name_plural = _("来电来访个案")
        indexes = [models.Index(fields=["federation", "received_on"], name="duties_case_fed_day")]

    def __str__(self) -> str:
        return f"{_('个案')} #{self.pk}"


class CaseChildQuerySet(ConfidentialQuerySet):
    """Rows of a case (referrals, follow-ups): read by those who read the case."""

    actions = frozenset({"view", "change"})

    def view_rule(self, scope: Scope) -> Self:
        return self.filter(case_readers_q(scope, "case__taker_id"))

    def change_rule(self, scope: Scope) -> Self:
        return self.filter(case_readers_q(scope, "case__taker_id"))


class Referral(TrackedModel):
    """A referral (转介) of a case to another body, with its own states (Primero)."""

    class Body(models.TextChoices):
        POLICE = "police", _("公安")
        COURT = "court", _("法院")
        LEGAL_AID = "legal_aid", _("法律援助")
        SHELTER = "shelter", _("庇护所")
        COUNSELLING = "counselling", _("心理咨询")
        HOSPITAL = "hospital", _("医院")
        OTHER = "other", _("其他机构")

    class Status(models.TextChoices):
        SENT = "sent", _("已转出")
        ACCEPTED = "accepted", _("已接收")
        DECLINED = "declined", _("未接收")
        DONE = "done", _("已办结")
        REVOKED = "revoked", _("已撤回")

    federation = models.ForeignKey("orgs.Federation", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(HotlineCase, on_delete=models.PROTECT, related_name="referrals")
    body = models.CharField(_("转介去向"), max_length=20, choices=Body.choices)
    receiving_body = models.CharField(_("接收单位"), max_length=100)
    referred_on = models.DateField(_("转介日期"))
    consent = models.BooleanField(_("当事人同意转介"), default=False)
    override_reason = models.CharField(_("未经同意转介的理由"), max_length=500, blank=True)
    follow_up_on = models.DateField(_("回访日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.SENT)

    objects = CaseChildQuerySet.as_manager()

    class Meta:
        ordering = ["referred_on", "pk"]
        verbose_name = _("转介")
        verbose_name_plural = _("转介")

    def __str__(self) -> str:
        return f"{_('转介')} #{self.pk}"


class CaseEntry(TrackedModel):
    """A later contact on a case: a follow-up (回访) or a repeat call from the same number; notes encrypted."""

    class Kind(models.TextChoices):
        FOLLOW_UP = "follow_up", _("回访")
        CALL = "call", _("再次来电")

    federation = models.ForeignKey("orgs.Federation", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(HotlineCase, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices, default=Kind.FOLLOW_UP)
    on = models.DateField(_("日期"))
    notes = ConfidentialTextField(_("情况"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = CaseChildQuerySet.as_manager()

    class Meta:
        ordering = ["on", "pk"]
        verbose_name = _("个案回访")
        verbose_name_plural = _("个案回访")

    def __str__(self) -> str:
        return f"{_('个案回访')} #{self.pk}"


CASE_MACHINE = StateMachine(
    field="status",
    transitions=[
        Transition("start", source={"received"}, target="in_progress", label=_("开始办理")),
        Transition(
            "refer", source={"received", "in_progress", "follow_up"}, target="referred", label=_("转介")
        ),
        Transition("follow_up", source={"in_progress", "referred"}, target="follow_up", label=_("转入回访")),
        Transition(
            "close",
            source={"received", "in_progress", "referred", "follow_up"},
            target="closed",
            label=_("结案"),
        ),
        Transition("reopen", source={"closed"}, target="in_progress", label=_("重新办理"), needs_reason=True),
    ],
)

REFERRAL_MACHINE = StateMachine(
    field="status",
    transitions=[
        Transition("accept", source={"sent"}, target="accepted", label=_("对方已接收")),
        Transition("decline", source={"sent"}, target="declined", label=_("对方未接收"), needs_reason=True),
        Transition("done", source={"accepted"}, target="done", label=_("办结")),
        Transition(
            "revoke", source={"sent", "accepted"}, target="revoked", label=_("撤回转介"), needs_reason=True
        ),
    ],
)


# --------------------------------------------------------------------------------- exchange meetings
class MeetingQuerySet(ScopedQuerySet):
    """view: the federation's staff and executives; change (schedule, attendance, minutes): staff."""

    def view_rule(self, scope: Scope) -> Self:
        return self.filter(staff_q(scope) | executive_of_federation_q(scope))

    def change_rule(self, scope: Scope) -> Self:
        return self.filter(staff_q(scope))


class MeetingSeries(TrackedModel):
    """A series of exchange meetings (default quarterly) whose agenda template is copied into each meeting."""

    class Every(models.IntegerChoices):
        MONTH = 1, _("每月")
        QUARTER = 3, _("每季度")
        HALF_YEAR = 6, _("每半年")
        YEAR = 12, _("每年")

    federation = models.ForeignKey("orgs.Federation", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("名称"), max_length=200)
    every_months = models.PositiveSmallIntegerField(_("周期"), choices=Every.choices, default=Every.QUARTER)
    venue = models.CharField(_("地点"), max_length=200, blank=True)
    agenda_template = models.TextField(_("议程模板"), blank=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["federation_id", "title", "pk"]
        verbose_name = _("交流会系列")
        verbose_name_plural = _("交流会系列")

    def __str__(self) -> str:
        return self.title


class ExchangeMeeting(TrackedModel):
    """A regular exchange meeting of the executives (定期交流, default quarterly): agenda, attendance, minutes."""

    federation = models.ForeignKey("orgs.Federation", on_delete=models.PROTECT, related_name="+")
    series = models.ForeignKey(
        MeetingSeries,
        verbose_name=_("交流会系列"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    title = models.CharField(_("主题"), max_length=200)
    held_on = models.DateField(_("日期"))
    venue = models.CharField(_("地点"), max_length=200, blank=True)
    agenda = models.TextField(_("议程"), blank=True)
    minutes = models.TextField(_("纪要"), blank=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("交流会")
        verbose_name_plural = _("交流会")

    def __str__(self) -> str:
        return self.title


class MeetingAttachment(TrackedModel):
    """A file of a meeting (材料): checked by its content (core.uploads), kept outside the web root by its
    hash, streamed only to who may see the meeting."""

    federation = models.ForeignKey("orgs.Federation", on_delete=models.PROTECT, related_name="+")
    meeting = models.ForeignKey(ExchangeMeeting, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(_("名称"), max_length=200)
    path = models.CharField(max_length=200)
    original_name = models.CharField(_("文件名"), max_length=200)
    file_kind = models.CharField(max_length=10)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["meeting_id", "pk"]
        verbose_name = _("会议材料")
        verbose_name_plural = _("会议材料")

    def __str__(self) -> str:
        return self.title


class AttendanceQuerySet(ScopedQuerySet):
    def view_rule(self, scope: Scope) -> Self:
        return self.filter(staff_q(scope) | own_q(scope))

    def change_rule(self, scope: Scope) -> Self:
        return self.filter(staff_q(scope))


class Attendance(TrackedModel):
    class Status(models.TextChoices):
        PRESENT = "present", _("出席")
        EXCUSED = "excused", _("请假")
        ABSENT = "absent", _("缺席")

    federation = models.ForeignKey("orgs.Federation", on_delete=models.PROTECT, related_name="+")
    meeting = models.ForeignKey(ExchangeMeeting, on_delete=models.CASCADE, related_name="attendance")
    executive = models.ForeignKey(Executive, on_delete=models.PROTECT, related_name="attendance")
    status = models.CharField(_("出席情况"), max_length=20, choices=Status.choices)

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        ordering = ["meeting_id", "executive__person__name"]
        verbose_name = _("出席记录")
        verbose_name_plural = _("出席记录")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "executive"], name="duties_attendance_once")
        ]

    def __str__(self) -> str:
        return f"{_('出席记录')} #{self.pk}"


# ------------------------------------------------------------------------------------ suggestions
class SuggestionQuerySet(ScopedQuerySet):
    """view: the federation's staff, the author, the lead department's liaison; change (accept, assign,
    extend): staff; answer: staff and the lead department's liaison; rate: the author."""

    actions = frozenset({"view", "change", "answer", "rate"})

    def view_rule(self, scope: Scope) -> Self:
        lead = Q(lead_unit_id__in=scope.units_for(Role.UNIT_LIAISON))
        return self.filter(staff_q(scope) | own_q(scope, "author__person_id") | lead)

    def change_rule(self, scope: Scope) -> Self:
        return self.filter(staff_q(scope))

    def answer_rule(self, scope: Scope) -> Self:
        return self.filter(staff_q(scope) | Q(lead_unit_id__in=scope.units_for(Role.UNIT_LIAISON)))

    def rate_rule(self, scope: Scope) -> Self:
        return self.filter(own_q(scope, "author__person_id"))


class Suggestion(TrackedModel):
    """A suggestion (建言献策) handled like a proposal: accepted or kept as information, assigned to a lead
    department, answered within a time limit (extendable once), rated by its author."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("已提交")
        ACCEPTED = "accepted", _("已立案")
        INFORMATION = "information", _("作为社情民意")
        ASSIGNED = "assigned", _("已交办")
        ANSWERED = "answered", _("已答复")
        CLOSED = "closed", _("已评价")

    class Result(models.TextChoices):
        ADOPTED = "adopted", _("已采纳")
        SOLVING = "solving", _("正在解决")
        PLANNED = "planned", _("列入计划")
        EXPLAINED = "explained", _("留作参考并说明")

    class Rating(models.TextChoices):
        SATISFIED = "satisfied", _("满意")
        BASIC = "basic", _("基本满意")
        UNSATISFIED = "unsatisfied", _("不满意")

    federation = models.ForeignKey("orgs.Federation", on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(Executive, on_delete=models.PROTECT, related_name="suggestions")
    title = models.CharField(_("标题"), max_length=200)
    background = models.TextField(_("背景"), blank=True)
    proposal = models.TextField(_("建议"))
    submitted_on = models.DateField(_("提交日期"))
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    lead_unit = models.ForeignKey(
        "orgs.Unit",
        verbose_name=_("主办单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    co_units = models.CharField(_("协办单位"), max_length=300, blank=True)
    reply_due = models.DateField(_("答复期限"), null=True, blank=True)
    extended = models.BooleanField(_("已延期"), default=False)
    result = models.CharField(_("办理结果"), max_length=20, choices=Result.choices, blank=True)
    reply = models.TextField(_("答复"), blank=True)
    answered_on = models.DateField(_("答复日期"), null=True, blank=True)
    rating = models.CharField(_("评价"), max_length=20, choices=Rating.choices, blank=True)

    objects = SuggestionQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_on", "-pk"]
        verbose_name = _("建言献策")
        verbose_name_plural = _("建言献策")

    def __str__(self) -> str:
        return self.title


SUGGESTION_MACHINE = StateMachine(
    field="status",
    transitions=[
        Transition("accept", source={"submitted"}, target="accepted", label=_("立案"), action="change"),
        Transition(
            "keep", source={"submitted"}, target="information", label=_("作为社情民意"), action="change"
        ),
        Transition("assign", source={"accepted"}, target="assigned", label=_("交办"), action="change"),
        Transition(
            "extend",
            source={"assigned"},
            target="assigned",
            label=_("延期答复"),
            needs_reason=True,
            action="change",
        ),
        Transition("answer", source={"assigned"}, target="answered", label=_("答复"), action="answer"),
        Transition("rate", source={"answered"}, target="closed", label=_("评价"), action="rate"),
    ],
)
