"""Writes about accounts: logging in (web and API), roles."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils.translation import gettext as _

from accounts.models import ApiToken, RoleAssignment, User
from core import audit
from core.middleware import client_ip
from core.scoping import forget_scope

MSG_BAD_CREDENTIALS = "用户名或密码错误。"
MSG_LOCKED = "登录失败次数过多，账号已被锁定30分钟，请稍后再试或联系安全管理员。"


@dataclass
class ApiLoginResult:
    token: str | None = None
    expires_at: dt.datetime | None = None
    error: str | None = None
    status: int = 200


def api_login(request: HttpRequest, *, username: str, password: str, otp: str | None = None) -> ApiLoginResult:
    """Check the credentials (counted by django-axes like the web log-in) and issue a token."""
    from axes.handlers.proxy import AxesProxyHandler

    credentials = {"username": username}
    if AxesProxyHandler.is_locked(request, credentials):
        audit.record("login_failed", object_type="accounts.user", object_repr=username, result="locked",
                     actor=username, ip=client_ip(request), detail="api")
        return ApiLoginResult(error=_(MSG_LOCKED), status=403)
    user = authenticate(request, username=username, password=password)
    if user is None:
        audit.record("login_failed", object_type="accounts.user", object_repr=username, result="failure",
                     actor=username, ip=client_ip(request), detail="api")
        if AxesProxyHandler.is_locked(request, credentials):
            return ApiLoginResult(error=_(MSG_LOCKED), status=403)
        return ApiLoginResult(error=_(MSG_BAD_CREDENTIALS), status=401)
    token, raw = ApiToken.issue(user)
    audit.record("login", obj=user, actor=user, ip=client_ip(request), detail="api")
    return ApiLoginResult(token=raw, expires_at=token.expires_at)


def role_grant(*, user: User, role: str, federation_id: int, unit_id: int | None = None) -> RoleAssignment:
    """Give `user` a role; refuses a second 三员 role and a liaison without a unit."""
    assignment = RoleAssignment(user=user, role=role, federation_id=federation_id, unit_id=unit_id)
    assignment.full_clean()
    assignment.save()
    audit.record("permission_change", obj=user, changes={"role": [None, role], "unit": [None, unit_id]},
                 federation_id=federation_id)
    forget_scope(user)
    return assignment
