"""The log-in gate after authentication: second factor, then forced or expired password change.

Runs after django_otp's OTPMiddleware (which tells whether the session is OTP-verified) and after
core.middleware.AuditContextMiddleware (which ends sessions older than the absolute lifetime).
API requests authenticate by bearer token (accounts.services.api_login checks both rules there).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import NamedTuple

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import get_script_prefix, reverse
from django.utils.translation import gettext_lazy as _

from accounts.policy import requires_otp


class PolicyUrls(NamedTuple):
    always_open: tuple[str, ...]
    otp: str
    password_change: str


@lru_cache(maxsize=8)
def _policy_urls(prefix: str) -> PolicyUrls:
    """The addresses the gate compares with, reversed once per script prefix (not on every request)."""
    always_open = [reverse("accounts:logout"), reverse("accounts:login"), reverse("health"), "/api/"]
    if settings.STATIC_URL:
        always_open.append("/" + settings.STATIC_URL.lstrip("/"))
    return PolicyUrls(tuple(always_open), reverse("accounts:otp"), reverse("accounts:password-change"))


@receiver(setting_changed)
def _forget_policy_urls(*, setting: str, **kwargs: object) -> None:
    if setting in ("ROOT_URLCONF", "STATIC_URL"):
        _policy_urls.cache_clear()


MSG_PASSWORD_EXPIRED = _("您的密码已超过90天未修改，请先修改密码。")
MSG_PASSWORD_MUST_CHANGE = _("首次登录或密码被重置后，须先修改密码。")


class LoginPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        answer = self.check(request)
        return answer if answer is not None else self.get_response(request)

    def check(self, request: HttpRequest) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        path = request.path
        urls = _policy_urls(get_script_prefix())
        if path.startswith(urls.always_open):
            return None
        otp_url = urls.otp
        if requires_otp(user) and not user.is_verified():
            return None if path == otp_url else redirect_to(otp_url, request)
        change_url = urls.password_change
        if path in (change_url, otp_url):
            return None
        if user.must_change_password or user.password_expired():
            return redirect_to(change_url, request)
        return None


def redirect_to(url: str, request: HttpRequest) -> HttpResponse:
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


class ApiTokenUseMiddleware:
    """Stamps the bearer token of an API request that was served (2xx) with its last use. A refused
    request writes nothing, not even this."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        token = getattr(request, "jinguo_api_token", None)
        if token is not None and 200 <= response.status_code < 300:
            from accounts.services import token_touch

            token_touch(token)
        return response
