"""Accounts, the roles they hold, and API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Self

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.roles import ADMIN_ROLES, BINDING_REQUIRED, BUSINESS_ROLES, ROLE_BINDINGS, Role
from core.scoping import Scope, ScopedQuerySet

MSG_UNIT_REQUIRED = _("该角色须指定单位。")
MSG_COMMUNITY_REQUIRED = _("该角色须指定基层组织（社区、街道）。")
MSG_NO_UNIT_FOR_ROLE = _("该角色不绑定单位。")
MSG_NO_COMMUNITY_FOR_ROLE = _("该角色不绑定基层组织。")
MSG_BINDING_OTHER_FEDERATION = _("所选单位或基层组织不属于该妇联。")
MSG_SEPARATION_OF_DUTIES = _("三员分立：系统管理员、安全管理员、审计管理员不能由同一账号兼任。")
MSG_ADMIN_AND_BUSINESS = _("三员分立：系统管理员、安全管理员、审计管理员不能同时持有业务角色。")


class UserQuerySet(ScopedQuerySet):
    def view_rule(self, scope: Scope) -> Self:
        # Account administration belongs to the system and security administrators.
        feds = scope.federations_with(Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN)
        return self.filter(Q(pk=scope.user_id) | Q(federation_id__in=feds))

    def change_rule(self, scope: Scope) -> Self:
        return self.filter(federation_id__in=scope.federations_with(Role.SYSTEM_ADMIN))


class ScopedUserManager(UserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    pass


class User(AbstractUser):
    """A log-in account (账号). Its roles are RoleAssignment rows; its person is optional."""

    federation = models.ForeignKey(
        "orgs.Federation", verbose_name=_("所属妇联"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="users",
    )
    person = models.OneToOneField(
        "orgs.Person", verbose_name=_("人员"), null=True, blank=True, on_delete=models.SET_NULL, related_name="user"
    )
    display_name = models.CharField(_("显示名称"), max_length=50, blank=True)
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)
    must_change_password = models.BooleanField(_("须修改密码"), default=True)

    objects = ScopedUserManager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("账号")
        verbose_name_plural = _("账号")

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def label(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    def set_password(self, raw_password: str | None) -> None:
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    def password_expired(self, now: dt.datetime | None = None) -> bool:
        """The password is older than the policy allows (90 days)."""
        from accounts.policy import PASSWORD_MAX_AGE

        if self.password_changed_at is None:
            return False  # never set through set_password: must_change_password governs it
        return (now or timezone.now()) - self.password_changed_at > PASSWORD_MAX_AGE


class PasswordHistory(models.Model):
    """The hashes of an account's recent passwords (the current one included), for the no-reuse rule."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("历史密码")
        verbose_name_plural = _("历史密码")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"password of {self.user_id} at {self.created_at:%Y-%m-%d}"


class RoleAssignmentQuerySet(ScopedQuerySet):
    def view_rule(self, scope: Scope) -> Self:
        feds = scope.federations_with(Role.SECURITY_ADMIN, Role.SYSTEM_ADMIN)
        return self.filter(Q(user_id=scope.user_id) | Q(federation_id__in=feds))

    def change_rule(self, scope: Scope) -> Self:
        # Roles are the security administrator's (三员分立).
        return self.filter(federation_id__in=scope.federations_with(Role.SECURITY_ADMIN))


class RoleAssignment(models.Model):
    """One role held by one account in one federation, bound for some roles to one organisation: a
    liaison to a unit, a community contact to a community (core.roles.ROLE_BINDINGS)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("角色"), max_length=30, choices=Role.choices)
    federation = models.ForeignKey("orgs.Federation", on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("单位"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    community = models.ForeignKey(
        "orgs.Community", verbose_name=_("基层组织"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("角色分配")
        verbose_name_plural = _("角色分配")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "federation", "unit"], name="role_once_in_unit", condition=Q(unit__isnull=False)
            ),
            models.UniqueConstraint(
                fields=["user", "role", "federation", "community"], name="role_once_in_community",
                condition=Q(community__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["user", "role", "federation"], name="role_once_in_federation",
                condition=Q(unit__isnull=True, community__isnull=True),
            ),
            # An assignment is bound to a unit or to a community, never both.
            models.CheckConstraint(
                condition=Q(unit__isnull=True) | Q(community__isnull=True), name="role_bound_to_one_organisation"
            ),
            # 三员分立 in the database: an account holds at most one administrator assignment.
            models.UniqueConstraint(
                fields=["user"], name="one_admin_role_per_user", condition=Q(role__in=sorted(ADMIN_ROLES)),
                violation_error_message=MSG_SEPARATION_OF_DUTIES,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"

    def clean(self) -> None:
        binding = ROLE_BINDINGS.get(self.role)
        if self.unit_id and binding != "unit":
            raise ValidationError({"unit": MSG_NO_UNIT_FOR_ROLE})
        if self.community_id and binding != "community":
            raise ValidationError({"community": MSG_NO_COMMUNITY_FOR_ROLE})
        if self.role in BINDING_REQUIRED:
            if binding == "unit" and not self.unit_id:
                raise ValidationError({"unit": MSG_UNIT_REQUIRED})
            if binding == "community" and not self.community_id:
                raise ValidationError({"community": MSG_COMMUNITY_REQUIRED})
        bound = self.unit if self.unit_id else (self.community if self.community_id else None)
        if bound is not None and bound.federation_id != self.federation_id:
            raise ValidationError(MSG_BINDING_OTHER_FEDERATION)
        held = RoleAssignment.objects.filter(user_id=self.user_id).exclude(pk=self.pk)
        if self.role in ADMIN_ROLES:
            if held.filter(role__in=ADMIN_ROLES).exclude(role=self.role).exists():
                raise ValidationError(MSG_SEPARATION_OF_DUTIES)
            if held.filter(role__in=BUSINESS_ROLES).exists():
                raise ValidationError(MSG_ADMIN_AND_BUSINESS)
        elif held.filter(role__in=ADMIN_ROLES).exists():
            raise ValidationError(MSG_ADMIN_AND_BUSINESS)


TOKEN_PREFIX = "jg_"


class ApiTokenQuerySet(ScopedQuerySet):
    # A token is its owner's alone, a superuser's included.
    superuser_sees_all = False

    def view_rule(self, scope: Scope) -> Self:
        return self.filter(user_id=scope.user_id)

    def change_rule(self, scope: Scope) -> Self:
        return self.filter(user_id=scope.user_id)


class ApiToken(models.Model):
    """A bearer token for the JSON API; only its hash is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self) -> str:
        return f"token #{self.pk} of {self.user}"

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @classmethod
    def issue(cls, user: User, *, hours: int = 8) -> tuple[ApiToken, str]:
        raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user, key_hash=cls.hash(raw), expires_at=timezone.now() + dt.timedelta(hours=hours)
        )
        return token, raw


class CredentialResetQuerySet(ScopedQuerySet):
    """The three administrators of the federation see its resets (never a code: only its hash is kept);
    the holder sees their own. Who may do what is 三员分立 (accounts.resets)."""

    actions = frozenset({"view", "change", "issue", "cancel"})

    def view_rule(self, scope: Scope) -> Self:
        feds = scope.federations_with(Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR)
        return self.filter(Q(federation_id__in=feds) | Q(user_id=scope.user_id))

    def issue_rule(self, scope: Scope) -> Self:
        # The administrator who hands the code over: never the one who asked, never the holder.
        handers = Q(federation_id__in=scope.federations_with(Role.SECURITY_ADMIN), handed_by_role=Role.SECURITY_ADMIN)
        handers |= Q(federation_id__in=scope.federations_with(Role.AUDITOR), handed_by_role=Role.AUDITOR)
        return self.filter(handers).exclude(user_id=scope.user_id).exclude(requested_by_id=scope.user_id)

    def cancel_rule(self, scope: Scope) -> Self:
        return self.filter(federation_id__in=scope.federations_with(Role.SYSTEM_ADMIN)).exclude(user_id=scope.user_id)


class CredentialReset(models.Model):
    """A reset of an account's log-in (登录凭据重置), or the first password of a new account: asked for by
    the system administrator, its one-time code issued by another administrator (安全管理员, or
    审计管理员 for a security administrator's account) to the holder in person, redeemed by the holder."""

    class Kind(models.TextChoices):
        RESET = "reset", _("重置密码")
        ACTIVATION = "activation", _("新账号首次设置密码")

    user = models.ForeignKey(User, verbose_name=_("账号"), on_delete=models.CASCADE, related_name="credential_resets")
    federation = models.ForeignKey("orgs.Federation", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices, default=Kind.RESET)
    with_otp = models.BooleanField(_("同时重置动态验证码"), default=False)
    handed_by_role = models.CharField(_("交付人角色"), max_length=30, choices=Role.choices)
    requested_by = models.ForeignKey(
        User, verbose_name=_("申请人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    issued_by = models.ForeignKey(
        User, verbose_name=_("交付人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField(_("重置码生成时间"), null=True, blank=True)
    code_hash = models.CharField(max_length=64, blank=True)
    expires_at = models.DateTimeField(_("重置码有效期至"), null=True, blank=True)
    redeemed_at = models.DateTimeField(_("使用时间"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    objects = CredentialResetQuerySet.as_manager()

    class Meta:
        verbose_name = _("登录凭据重置")
        verbose_name_plural = _("登录凭据重置")
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.user}"

    @property
    def is_open(self) -> bool:
        """Neither redeemed nor cancelled (an issued code may still have expired)."""
        return self.redeemed_at is None and self.cancelled_at is None

    def status(self, now: dt.datetime | None = None) -> str:
        now = now or timezone.now()
        if self.redeemed_at:
            return str(_("已使用"))
        if self.cancelled_at:
            return str(_("已撤销"))
        if self.issued_at is None:
            return str(_("待交付重置码"))
        if self.expires_at is not None and self.expires_at <= now:
            return str(_("重置码已过期"))
        return str(_("已交付，待本人使用"))
