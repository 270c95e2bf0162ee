"""Writes about accounts: logging in (web and API), passwords, second factor, accounts and roles.

Every function here that changes an account records its own audit event (User is not a TrackedModel).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import ApiToken, RoleAssignment, User
from accounts.policy import MSG_LOCKED, count_failure, requires_otp
from accounts.resets import credential_reset_request
from accounts.scope import PERSON_UNIT_ATTR, ROLES_ATTR, scope_columns
from core import audit
from core.busy import try_write
from core.middleware import client_ip
from core.roles import ROLE_BINDINGS
from core.scoping import forget_scope

# One answer for every failed log-in step, the second factor's included: a wrong password, a right one
# without its code and a right one with a wrong code look alike (the code is asked on the same form), so
# that the answer never confirms a password. The audit log tells them apart.
MSG_BAD_CREDENTIALS = _("用户名、密码或动态验证码错误。需要动态验证码的账号，请同时输入验证器中最新的6位数字。")
MSG_OTP_INVALID = _("动态验证码错误或已使用过，请输入验证器中最新的6位数字。")
MSG_OTP_NOT_ENROLLED = _("该账号尚未绑定动态验证码，请先在网页端登录完成绑定。")
MSG_PASSWORD_CHANGE_REQUIRED = _("该账号须先修改密码，请在网页端登录后修改。")
MSG_CANNOT_CHANGE_SELF = _("不能对自己的账号执行此操作。")
MSG_USERNAME_TAKEN = _("该用户名已被使用。")


@dataclass
class ApiLoginResult:
    token: str | None = None
    expires_at: dt.datetime | None = None
    error: str | Promise | None = None
    status: int = 200


# ---------------------------------------------------------------------------------------------- OTP
def confirmed_device(user: User) -> Any:
    """The account's confirmed TOTP device, or None."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def otp_verify(user: User, token: str | None) -> Any:
    """The device that accepts `token` (refusing a code already used, and throttled), or None."""
    device = confirmed_device(user)
    token = (token or "").strip()
    if device is None or not token:
        return None
    with transaction.atomic():
        device = type(device).objects.select_for_update().get(pk=device.pk)
        return device if device.verify_token(token) else None


def otp_device_pending(user: User) -> Any:
    """The unconfirmed device being enrolled (made on first call)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=gettext("动态验证码"), confirmed=False)
    return device


def otp_confirm(*, user: User, token: str) -> Any:
    """Confirms the pending device with a first code; None if the code is wrong."""
    device = otp_device_pending(user)
    if not device.verify_token((token or "").strip()):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    user.totpdevice_set.filter(confirmed=False).exclude(pk=device.pk).delete()  # type: ignore[attr-defined]
    audit.record("otp_enrol", obj=user, actor=user)
    return device


# ------------------------------------------------------------------------------------------- log-in
def api_login(request: HttpRequest, *, username: str, password: str, otp: str | None = None) -> ApiLoginResult:
    """Check the credentials and second factor (counted by django-axes like the web log-in), issue a token."""
    from axes.handlers.proxy import AxesProxyHandler
    from axes.utils import reset as axes_reset

    ip = client_ip(request)
    credentials = {"username": username}
    if AxesProxyHandler.is_locked(request, credentials):
        audit.record("login_failed", object_type="accounts.user", object_repr=username, result="locked",
                     actor=username, ip=ip, detail="api")
        return ApiLoginResult(error=MSG_LOCKED, status=403)
    user = authenticate(request, username=username, password=password)
    if user is None:
        audit.record("login_failed", object_type="accounts.user", object_repr=username, result="failure",
                     actor=username, ip=ip, detail="api")
        if AxesProxyHandler.is_locked(request, credentials):
            return ApiLoginResult(error=MSG_LOCKED, status=403)
        return ApiLoginResult(error=MSG_BAD_CREDENTIALS, status=401)
    assert isinstance(user, User)
    if requires_otp(user):
        message: str | Promise | None
        if confirmed_device(user) is None:
            message, detail = MSG_OTP_NOT_ENROLLED, "api: no otp device"
        elif not otp:
            message, detail = MSG_BAD_CREDENTIALS, "api: otp missing"
        elif otp_verify(user, otp) is None:
            message, detail = MSG_BAD_CREDENTIALS, "api: otp wrong"
        else:
            message = None
        if message:
            audit.record("login_failed", obj=user, result="failure", actor=username, ip=ip, detail=detail)
            count_failure(request, username, reason=detail)
            if AxesProxyHandler.is_locked(request, credentials):
                return ApiLoginResult(error=MSG_LOCKED, status=403)
            return ApiLoginResult(error=message, status=401)
    if user.must_change_password or user.password_expired():
        audit.record("login_failed", obj=user, result="failure", actor=username, ip=ip,
                     detail="api: password change required")
        return ApiLoginResult(error=MSG_PASSWORD_CHANGE_REQUIRED, status=403)
    token, raw = ApiToken.issue(user)
    axes_reset(username=username)
    audit.record("login", obj=user, actor=user, ip=ip, detail="api")
    return ApiLoginResult(token=raw, expires_at=token.expires_at)


def api_login_refused(request: HttpRequest, *, username: str, reason: str) -> ApiLoginResult:
    """A token request whose body could not be taken: a failed log-in of the account it names all the same
    (audited, and counted toward its lock-out), so that a malformed body is no way around the lock-out.

    The result carries the lock-out's answer when the account is (or is now) locked, else no error: the
    caller answers with the body's own refusal.
    """
    from axes.handlers.proxy import AxesProxyHandler

    ip = client_ip(request)
    credentials = {"username": username}
    locked = bool(username) and AxesProxyHandler.is_locked(request, credentials)
    audit.record("login_failed", object_type="accounts.user", object_repr=username,
                 result="locked" if locked else "failure", actor=username, ip=ip, detail=f"api: {reason}")
    if locked:
        return ApiLoginResult(error=MSG_LOCKED, status=403)
    if username:
        count_failure(request, username, reason=reason)
        if AxesProxyHandler.is_locked(request, credentials):
            return ApiLoginResult(error=MSG_LOCKED, status=403)
    return ApiLoginResult()


# --------------------------------------------------------------------------------------- API tokens
# The rule (SECURITY.md, "API tokens"): a token lives 8 hours at most, and ends before that with the
# password it was obtained with (any change of it), a web log-out, a forced or expired password, the
# account's deactivation, and its owner's revocation.
TOKEN_TOUCH_INTERVAL = dt.timedelta(minutes=1)


def token_usable(token: ApiToken, now: dt.datetime) -> bool:
    """Does this token still stand for its user?"""
    user = token.user
    if token.expires_at <= now or not user.is_active:
        return False
    if user.must_change_password or user.password_expired(now):
        return False
    # Issued before the current password was set: it was obtained with another password.
    return user.password_changed_at is None or token.created_at >= user.password_changed_at


def token_authenticate(request: HttpRequest, raw: str) -> User | None:
    """The user of a bearer token, or None; a token that no longer stands is deleted as it is presented.

    accounts.api_auth.BearerToken calls this.
    """
    from django.utils import timezone

    # One indexed lookup of a SHA-256 of the token (unique key_hash): tokens are 256 random bits, so a fast
    # hash is as safe as a slow one and costs microseconds. The user comes with it; the person, with its
    # encrypted columns, does not; its unit and the user's roles come as columns of the same row
    # (accounts.scope.scope_columns), so that the request's scope needs no query of its own.
    found = list(
        ApiToken.objects.select_related("user").annotate(**scope_columns())
        .filter(key_hash=ApiToken.hash(raw))[:1]
    )
    if not found:
        return None
    token = found[0]
    for column in (ROLES_ATTR, PERSON_UNIT_ATTR):
        setattr(token.user, column, getattr(token, column))
    now = timezone.now()
    if not token_usable(token, now):
        ApiToken.objects.filter(pk=token.pk).delete()
        return None
    request.jinguo_api_token = token  # type: ignore[attr-defined]  # the token in use, for DELETE /auth/token
    return token.user


def token_touch(token: ApiToken) -> None:
    """Records that the token served a request (at most once a minute: the owner's list shows it)."""
    from django.utils import timezone

    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > TOKEN_TOUCH_INTERVAL:
        # Skipped while another writer holds the database: the next request stamps it (core.busy).
        try_write(lambda: ApiToken.objects.filter(pk=token.pk).update(last_used_at=now))


def tokens_of(user: User) -> Any:
    """The user's own tokens that still stand, newest first."""
    from django.utils import timezone

    return ApiToken.objects.visible_to(user).filter(expires_at__gt=timezone.now()).order_by("-created_at", "-id")


@audit.action("accounts.token_revoke", target="user", label=_("撤销接口令牌"))
def token_revoke(*, user: User, tokens: Any, acting_user: User | None, detail: str) -> int:
    """Deletes `tokens` (a queryset of `user`'s tokens); audited when there were any."""
    removed, _ = tokens.filter(user=user).delete()
    if removed:
        audit.record("token_revoke", obj=user, actor=acting_user, detail=detail, changes={"tokens": [removed, 0]})
    return int(removed)


# ---------------------------------------------------------------------------------------- passwords
@audit.action("accounts.password_change", target="user", label=_("修改密码"))
def password_change(*, user: User, new_password: str) -> None:
    """The user's own change (validated by the caller's form): clears the forced change, ends API tokens."""
    user.set_password(new_password)
    user.must_change_password = False
    user.save()
    token_revoke(user=user, tokens=ApiToken.objects.all(), acting_user=user, detail="password change")
    audit.record("password_change", obj=user, actor=user)


# ----------------------------------------------------------------------------------------- accounts
def _refuse_self(user: User, acting_user: User | None) -> None:
    if acting_user is not None and acting_user.pk == user.pk:
        raise ValidationError(MSG_CANNOT_CHANGE_SELF)


@transaction.atomic
@audit.action("accounts.account_create", label=_("创建账号"))
def account_create(
    *, federation_id: int, username: str, display_name: str = "", email: str = "", acting_user: User | None = None
) -> User:
    """A new account without a password: its holder sets the first one with a one-time code that another
    administrator hands over (accounts.resets), so that the administrator who made it never knows it."""
    from accounts.models import CredentialReset

    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": MSG_USERNAME_TAKEN})
    user = User.objects.create_user(
        username=username, password=None, display_name=display_name, email=email, federation_id=federation_id,
        must_change_password=False,
    )
    audit.record("account_create", obj=user, actor=acting_user,
                 changes={"username": [None, username], "display_name": [None, display_name]})
    credential_reset_request(user=user, kind=CredentialReset.Kind.ACTIVATION, acting_user=acting_user)
    return user


@transaction.atomic
@audit.action("accounts.account_deactivate", target="user", label=_("停用账号"))
def account_deactivate(*, user: User, acting_user: User | None = None) -> None:
    """Disables the account and withdraws its API tokens; its sessions stop at their next request."""
    _refuse_self(user, acting_user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    ApiToken.objects.filter(user=user).delete()  # sessions end by themselves: inactive users are not loaded
    audit.record("account_deactivate", obj=user, actor=acting_user, changes={"is_active": [True, False]})


# -------------------------------------------------------------------------------------------- roles
def role_binding_of(user: User, role: str) -> tuple[int | None, int | None]:
    """(unit id, community id) a bound role takes from the account's person (core.roles.ROLE_BINDINGS)."""
    person = user.person
    binding = ROLE_BINDINGS.get(role)
    if person is None or binding is None:
        return None, None
    if binding == "unit":
        return person.unit_id, None
    return None, person.community_id


@audit.action("accounts.role_grant", target="user", label=_("授予角色"))
def role_grant(
    *,
    user: User,
    role: str,
    federation_id: int,
    unit_id: int | None = None,
    community_id: int | None = None,
    acting_user: User | None = None,
) -> RoleAssignment:
    """Give `user` a role, bound to a unit or community where the role binds to one (core.roles.ROLE_BINDINGS).

    Refuses a second 三员 role, a 三员 role beside business roles, a bound role without its organisation.

    The account row is locked while its roles are checked, so two concurrent grants cannot both pass the
    三员 rule (and the database refuses a second administrator assignment in any case).
    """
    with transaction.atomic():
        if acting_user is not None and acting_user.pk == user.pk:
            raise ValidationError(MSG_CANNOT_CHANGE_SELF)
        User.objects.select_for_update().filter(pk=user.pk).first()
        assignment = RoleAssignment(user=user, role=role, federation_id=federation_id, unit_id=unit_id,
                                    community_id=community_id)
        assignment.full_clean()
        assignment.save()
        audit.record("permission_change", obj=user, actor=acting_user, detail="role_grant",
                     changes={"role": [None, role], "unit": [None, unit_id], "community": [None, community_id]},
                     federation_id=federation_id)
    forget_scope(user)
    return assignment


@audit.action("accounts.role_revoke", target="assignment", label=_("撤销角色"))
def role_revoke(*, assignment: RoleAssignment, acting_user: User | None = None) -> None:
    with transaction.atomic():
        user = assignment.user
        if acting_user is not None and acting_user.pk == user.pk:
            raise ValidationError(MSG_CANNOT_CHANGE_SELF)
        role, unit_id, federation_id = assignment.role, assignment.unit_id, assignment.federation_id
        assignment.delete()
        audit.record("permission_change", obj=user, actor=acting_user, detail="role_revoke",
                     changes={"role": [role, None], "unit": [unit_id, None]}, federation_id=federation_id)
    forget_scope(user)
