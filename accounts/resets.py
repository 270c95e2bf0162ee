"""Resetting a log-in without walking around 三员分立 (SECURITY.md, "Resetting a log-in").

No administrator ever sees a password, nor a code that logs in as someone else on their own:

1. the system administrator asks for a reset of an account (`credential_reset_request`): nothing about
   the account changes yet; the auditors, the holder and whoever hands codes over are notified;
2. another administrator — the security administrator, or the auditor when the account is a security
   administrator's — checks the holder in person and issues a one-time code (`credential_reset_issue`),
   shown to them once; only its hash is stored; it lasts 24 hours;
3. the holder sets a new password with it (`credential_reset_redeem`); a reset of the authenticator
   removes the old device then, and the holder enrols a new one at the next log-in.

A new account gets its first password the same way (`account_create` asks for an activation).
Every step is audited and notified to the federation's auditors.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import ApiToken, CredentialReset, RoleAssignment, User
from accounts.policy import MSG_LOCKED, count_failure
from core import audit
from core.middleware import client_ip
from core.roles import Role

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out and typed by hand
CODE_LENGTH = 16  # 80 bits
CODE_LIFETIME = dt.timedelta(hours=24)

MSG_CANNOT_RESET_SELF = _("不能重置自己的账号：请另一位系统管理员办理。")
MSG_NO_FEDERATION = _("该账号未关联妇联，无法重置。")
MSG_NO_HANDER = _("本妇联没有可交付重置码的{role}账号，无法办理：请先由安全管理员为其授予该角色。")
MSG_NOT_OPEN = _("该重置申请已使用或已撤销。")
MSG_CODE_INVALID = _("用户名或重置码错误，或重置码已过期、已使用。请向交付重置码的管理员核对。")
MSG_INACTIVE = _("该账号已停用，不能重置。")


def _hash(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def normalise_code(code: str) -> str:
    """The code as typed (spaces, dashes, lower case) in its canonical form."""
    return "".join(c for c in (code or "").upper() if c.isalnum())


def format_code(raw: str) -> str:
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def hander_role(user: User) -> str:
    """Who hands the code over: the security administrator; for a security administrator's own account,
    the auditor (so that the security administrator never resets their own log-in either)."""
    if RoleAssignment.objects.filter(user=user, role=Role.SECURITY_ADMIN).exists():
        return Role.AUDITOR
    return Role.SECURITY_ADMIN


def administrators(federation_id: int, role: str, *, exclude: int | None = None) -> list[User]:
    """The active accounts holding `role` in the federation."""
    qs = User.objects.filter(is_active=True, role_assignments__role=role,
                             role_assignments__federation_id=federation_id).distinct().order_by("pk")
    return [u for u in qs if u.pk != exclude]


def _notify(reset: CredentialReset, event: str, title: str, *, holder: bool = True,
            handers: bool = False) -> None:
    """Tells the federation's auditors (always), the holder and the handers about a step of the reset."""
    from core.notify import notify

    recipients = {u.pk: u for u in administrators(reset.federation_id, Role.AUDITOR)}
    if holder:
        recipients[reset.user_id] = reset.user
    if handers:
        recipients |= {u.pk: u for u in administrators(reset.federation_id, reset.handed_by_role,
                                                        exclude=reset.user_id)}
    body = str(_("账号：{account}；申请人：{requester}；时间：{at:%Y-%m-%d %H:%M}。如非本人或未经授权，请立即告知审计管理员。")).format(
        account=reset.user.username, requester=reset.requested_by.username if reset.requested_by else "—",
        at=timezone.localtime(),
    )
    for user in recipients.values():
        notify(recipient=user, federation_id=reset.federation_id, kind="credential_reset", title=title,
               body=body, url="/accounts/resets/" if user.pk != reset.user_id else "/accounts/me/",
               dedup_key=f"credential-reset-{reset.pk}-{event}")


@transaction.atomic
def credential_reset_request(
    *, user: User, with_otp: bool = False, kind: str = CredentialReset.Kind.RESET, acting_user: User | None
) -> CredentialReset:
    """Asks for a reset of `user`'s log-in; nothing about the account changes until the holder redeems it.

    An earlier open request for the account is cancelled (the newest one counts).
    """
    if acting_user is not None and acting_user.pk == user.pk:
        raise ValidationError(MSG_CANNOT_RESET_SELF, code="self")
    if not user.is_active:
        raise ValidationError(MSG_INACTIVE, code="inactive")
    if user.federation_id is None:
        raise ValidationError(MSG_NO_FEDERATION, code="federation")
    role = hander_role(user)
    if not administrators(user.federation_id, role, exclude=user.pk):
        raise ValidationError(str(MSG_NO_HANDER).format(role=Role(role).label), code="no_hander")
    now = timezone.now()
    CredentialReset.objects.filter(user=user, redeemed_at__isnull=True, cancelled_at__isnull=True).update(
        cancelled_at=now)
    reset = CredentialReset.objects.create(
        user=user, federation_id=user.federation_id, kind=kind, with_otp=with_otp, handed_by_role=role,
        requested_by=acting_user, requested_at=now,
    )
    audit.record("credential_reset_request", obj=user, actor=acting_user, federation_id=user.federation_id,
                 detail=f"{kind}{' + otp' if with_otp else ''}; handed over by {role}",
                 changes={"reset": [None, reset.pk]})
    title = _("账号新建，待交付首次登录重置码") if kind == CredentialReset.Kind.ACTIVATION else (
        _("已申请重置登录凭据（含动态验证码）") if with_otp else _("已申请重置登录密码"))
    _notify(reset, "request", f"{title}：{user.username}", handers=True)
    return reset


@transaction.atomic
def credential_reset_issue(*, reset: CredentialReset, acting_user: User) -> str:
    """Issues the one-time code of an open request (returned to be shown once; a new issue replaces it).

    The caller has checked that `acting_user` may (CredentialReset.objects.permitted(user, "issue")).
    """
    reset = CredentialReset.objects.select_for_update().select_related("user").get(pk=reset.pk)
    if not reset.is_open:
        raise ValidationError(MSG_NOT_OPEN, code="closed")
    if acting_user.pk in (reset.user_id, reset.requested_by_id):
        raise ValidationError(MSG_CANNOT_RESET_SELF, code="self")
    raw = "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))
    now = timezone.now()
    reissued = reset.issued_at is not None
    reset.code_hash, reset.issued_by, reset.issued_at, reset.expires_at = _hash(raw), acting_user, now, now + CODE_LIFETIME
    reset.save(update_fields=["code_hash", "issued_by", "issued_at", "expires_at"])
    audit.record("credential_reset_issue", obj=reset.user, actor=acting_user, federation_id=reset.federation_id,
                 detail="code issued again (the earlier one no longer works)" if reissued else "code issued",
                 changes={"reset": [reset.pk, reset.pk]})
    _notify(reset, f"issue-{now.timestamp():.0f}", f"{_('重置码已交付')}：{reset.user.username}")
    return format_code(raw)


@transaction.atomic
def credential_reset_cancel(*, reset: CredentialReset, acting_user: User) -> None:
    reset = CredentialReset.objects.select_for_update().select_related("user").get(pk=reset.pk)
    if not reset.is_open:
        raise ValidationError(MSG_NOT_OPEN, code="closed")
    reset.cancelled_at = timezone.now()
    reset.save(update_fields=["cancelled_at"])
    audit.record("credential_reset_cancel", obj=reset.user, actor=acting_user, federation_id=reset.federation_id,
                 changes={"reset": [reset.pk, None]})
    _notify(reset, "cancel", f"{_('登录凭据重置已撤销')}：{reset.user.username}")


def credential_reset_redeem(*, request: HttpRequest, username: str, code: str, new_password: str) -> User:
    """The holder sets a new password with their code. A wrong, expired or used code is a failed log-in
    (counted toward the lock-out, audited) and answered alike whatever was wrong."""
    from axes.handlers.proxy import AxesProxyHandler
    from axes.utils import reset as axes_reset


    username = (username or "").strip()[:150]
    ip = client_ip(request)
    now = timezone.now()
    reset = (
        CredentialReset.objects.select_related("user")
        .filter(user__username=username, user__is_active=True, code_hash=_hash(code), redeemed_at__isnull=True,
                cancelled_at__isnull=True, expires_at__gt=now)
        .first()
        if normalise_code(code) else None
    )
    # The right code is the holder's proof of identity and works during a lock-out too (80 random bits
    # are not guessed); a wrong one is a failed log-in, and during a lock-out it is not even looked at.
    if reset is None:
        if AxesProxyHandler.is_locked(request, {"username": username}):
            audit.record("login_failed", object_type="accounts.user", object_repr=username, result="locked",
                         actor=username, ip=ip, detail="reset code: locked")
            raise ValidationError(MSG_LOCKED, code="locked")
        audit.record("login_failed", object_type="accounts.user", object_repr=username, result="failure",
                     actor=username, ip=ip, detail="reset code wrong")
        count_failure(request, username, reason="reset code wrong")
        if getattr(request, "axes_locked_out", False) or AxesProxyHandler.is_locked(request, {"username": username}):
            raise ValidationError(MSG_LOCKED, code="locked")
        raise ValidationError(MSG_CODE_INVALID, code="code")
    user = reset.user
    validate_password(new_password, user)  # ValidationError(s) of the password rules
    with transaction.atomic():
        reset = CredentialReset.objects.select_for_update().get(pk=reset.pk)
        if reset.redeemed_at is not None:  # the same code twice at once
            raise ValidationError(MSG_CODE_INVALID, code="code")
        reset.redeemed_at = timezone.now()
        reset.save(update_fields=["redeemed_at"])
        user.set_password(new_password)
        user.must_change_password = False
        user.save()
        removed = 0
        if reset.with_otp:
            from django_otp.plugins.otp_totp.models import TOTPDevice

            removed, _kinds = TOTPDevice.objects.filter(user=user).delete()
        ApiToken.objects.filter(user=user).delete()
        audit.record("credential_reset_redeem", obj=user, actor=user, ip=ip, federation_id=reset.federation_id,
                     detail=f"{reset.kind}: new password set by the holder" + ("; authenticator removed" if removed else ""),
                     changes={"reset": [reset.pk, None], **({"devices": [removed, 0]} if reset.with_otp else {})})
    # The holder has proved who they are: a lock-out from earlier guesses ends with the reset.
    axes_reset(username=user.get_username())
    _notify(reset, "redeem", f"{_('登录凭据已重置')}：{user.username}")
    return user
