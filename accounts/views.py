"""Log-in (password and second factor), log-out, the user's own page and password, and the pages of the
system administrator (accounts) and the security administrator (roles, password policy)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.http import require_POST

from accounts import services
from accounts.forms import AccountCreateForm, ChangePasswordForm, LoginForm, OtpForm, RoleGrantForm
from accounts.middleware import MSG_PASSWORD_EXPIRED, MSG_PASSWORD_MUST_CHANGE
from accounts.models import RoleAssignment, User
from accounts.policy import requires_otp
from accounts.services import MSG_LOCKED
from core.roles import Role
from core.scoping import scope_for
from core.views import ScopedListView, ScopedObjectMixin, authenticated, public, scoped_function

MSG_PASSWORD_CHANGED = "密码已修改。"
MSG_TOKENS_REVOKED = gettext_lazy("接口令牌已撤销，使用它的程序须重新获取令牌。")
MSG_OTP_ENROLLED = "动态验证码已绑定，今后登录须输入验证器中的6位数字。"
MSG_ACCOUNT_DEACTIVATED = "账号已停用。"
MSG_OTP_RESET = "动态验证码已重置：该账号下次登录时须重新绑定验证器。"
MSG_ROLE_GRANTED = "已授予角色。"
MSG_ROLE_REVOKED = "已撤销角色。"
MSG_NO_FEDERATION = "您的管理员角色未关联妇联，无法操作。"

SYSTEM_ADMIN_ONLY = frozenset({Role.SYSTEM_ADMIN})
SECURITY_ADMIN_ONLY = frozenset({Role.SECURITY_ADMIN})


def lockout_response(request: HttpRequest, credentials: dict[str, Any] | None = None, *args: Any, **kwargs: Any) -> HttpResponse:
    """What django-axes answers to a locked-out log-in: the log-in page with the reason, in Chinese."""
    if request.path.startswith("/api/"):
        return JsonResponse({"message": MSG_LOCKED}, status=403)
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        logout(request)  # locked during the second-factor step: the half-open session ends too
    return render(request, "accounts/login.html", {"locked_message": MSG_LOCKED, "form": None}, status=403)


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True
    jinguo_scoping = "public"


login_view = public(LoginView.as_view())


@authenticated
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        logout(request)
        messages.info(request, "您已安全退出。")
        return redirect("accounts:login")
    return render(request, "accounts/logout_confirm.html")


@authenticated
def profile(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/profile.html", {
        "scope": scope_for(request.user),
        "needs_otp": requires_otp(request.user),
        "otp_device": services.confirmed_device(request.user),  # type: ignore[arg-type]
        "tokens": services.tokens_of(request.user),  # type: ignore[arg-type]
    })


@require_POST
@authenticated
def token_revoke(request: HttpRequest) -> HttpResponse:
    """Revokes one of the user's own API tokens (`token`), or all of them (`all`)."""
    from accounts.models import ApiToken

    user: User = request.user  # type: ignore[assignment]
    own = ApiToken.objects.changeable_by(user)
    if request.POST.get("all"):
        tokens = own
    else:
        pk = request.POST.get("token", "")
        tokens = own.filter(pk=int(pk)) if pk.isdigit() else own.none()
        if not tokens.exists():
            raise Http404
    services.token_revoke(user=user, tokens=tokens, acting_user=user, detail="web: revoked by its owner")
    messages.success(request, MSG_TOKENS_REVOKED)
    return redirect("accounts:profile")


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return settings.LOGIN_REDIRECT_URL


@authenticated
def otp_view(request: HttpRequest) -> HttpResponse:
    """The second factor: enrolment (QR code) for an account without a device, else the 6-digit code."""
    from django_otp import login as otp_login

    user: User = request.user  # type: ignore[assignment]
    if not requires_otp(user) or user.is_verified():  # type: ignore[attr-defined]
        return redirect(_next_url(request))
    device = services.confirmed_device(user)
    enrolling = device is None
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["otp_token"]
        verified = services.otp_confirm(user=user, token=token) if enrolling else services.otp_verify(user, token)
        if verified is not None:
            otp_login(request, verified)
            if enrolling:
                messages.success(request, MSG_OTP_ENROLLED)
            return redirect(_next_url(request))
        services.count_failure(request, user.get_username(), reason="otp wrong")
        if getattr(request, "axes_locked_out", False):
            return lockout_response(request)
        form.add_error("otp_token", services.MSG_OTP_INVALID)
    context: dict[str, Any] = {"form": form, "enrolling": enrolling, "next": _next_url(request)}
    if enrolling:
        from accounts.policy import hex_to_base32

        pending = services.otp_device_pending(user)
        context["qr_svg"] = qr_svg(pending.config_url)
        context["secret"] = hex_to_base32(pending.key)
    response = render(request, "accounts/otp.html", context)
    add_never_cache_headers(response)
    return response


def qr_svg(data: str) -> str:
    """An inline SVG QR code (no script, no inline style: fits the CSP)."""
    import qrcode
    import qrcode.image.svg

    img = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    return img.to_string(encoding="unicode")


@authenticated
def password_change(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = ChangePasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.password_change(user=user, new_password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, user)
        messages.success(request, MSG_PASSWORD_CHANGED)
        return redirect(settings.LOGIN_REDIRECT_URL)
    reason = MSG_PASSWORD_MUST_CHANGE if user.must_change_password else (
        MSG_PASSWORD_EXPIRED if user.password_expired() else "")
    return render(request, "accounts/password_change.html", {"form": form, "reason": reason})


# ------------------------------------------------------------------------------ system administrator
def _federation_of(request: HttpRequest, role: str) -> int:
    feds = scope_for(request.user).federations_with(role)
    if not feds:
        raise PermissionDenied(MSG_NO_FEDERATION)
    return min(feds)


class UserListView(ScopedListView):
    model = User
    allowed_roles = SYSTEM_ADMIN_ONLY
    template_name = "accounts/user_list.html"

    def get_queryset(self) -> QuerySet[User]:
        qs = super().get_queryset().prefetch_related("role_assignments").order_by("username")
        q = self.request.GET.get("q", "").strip()
        if q:
            qs = qs.filter(username__icontains=q) | qs.filter(display_name__icontains=q)
        return qs


@scoped_function(roles=SYSTEM_ADMIN_ONLY)
def user_create(request: HttpRequest) -> HttpResponse:
    federation_id = _federation_of(request, Role.SYSTEM_ADMIN)
    form = AccountCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user, raw = services.account_create(federation_id=federation_id, acting_user=request.user,  # type: ignore[arg-type]
                                                **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return _show_once(request, user, raw, created=True)
    return render(request, "accounts/user_form.html", {"form": form})


def _show_once(request: HttpRequest, user: User, raw: str, *, created: bool) -> HttpResponse:
    """The temporary password, shown this one time and never stored in clear or cached."""
    response = render(request, "accounts/temporary_password.html", {"account": user, "password": raw, "created": created})
    add_never_cache_headers(response)
    return response


class _ConfirmedAction(ScopedObjectMixin, View):
    """GET shows a confirmation; POST does the action on a changeable object."""

    scope_action = "change"
    question = ""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        obj = self.get_object()
        from django.urls import reverse

        return render(request, "accounts/confirm.html",
                      {"object": obj, "question": self.question, "back": reverse(self.back_url)})

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        obj = self.get_object()
        try:
            return self.act(request, obj)
        except ValidationError as exc:
            for m in exc.messages:
                messages.error(request, m)
            return redirect(self.back_url)

    back_url = "home"

    def act(self, request: HttpRequest, obj: Any) -> HttpResponse:
        raise NotImplementedError


class UserDeactivateView(_ConfirmedAction):
    model = User
    allowed_roles = SYSTEM_ADMIN_ONLY
    question = "确定停用该账号吗？停用后无法登录，接口令牌立即作废。"
    back_url = "accounts:user-list"

    def act(self, request: HttpRequest, obj: Any) -> HttpResponse:
        services.account_deactivate(user=obj, acting_user=request.user)  # type: ignore[arg-type]
        messages.success(request, MSG_ACCOUNT_DEACTIVATED)
        return redirect(self.back_url)


class UserPasswordResetView(_ConfirmedAction):
    model = User
    allowed_roles = SYSTEM_ADMIN_ONLY
    question = "确定重置该账号的密码吗？将生成一次性临时密码，账号下次登录须修改密码。"
    back_url = "accounts:user-list"

    def act(self, request: HttpRequest, obj: Any) -> HttpResponse:
        raw = services.password_reset(user=obj, acting_user=request.user)  # type: ignore[arg-type]
        return _show_once(request, obj, raw, created=False)


class UserOtpResetView(_ConfirmedAction):
    """For a lost phone: the account binds a new authenticator at its next log-in."""

    model = User
    allowed_roles = SYSTEM_ADMIN_ONLY
    question = "确定重置该账号的动态验证码吗？原验证器立即失效，账号下次登录时须重新绑定。如手机可能落入他人之手，请同时重置密码。"
    back_url = "accounts:user-list"

    def act(self, request: HttpRequest, obj: Any) -> HttpResponse:
        services.otp_reset(user=obj, acting_user=request.user)  # type: ignore[arg-type]
        messages.success(request, MSG_OTP_RESET)
        return redirect(self.back_url)


# ---------------------------------------------------------------------------- security administrator
class RoleListView(ScopedListView):
    model = RoleAssignment
    allowed_roles = SECURITY_ADMIN_ONLY
    template_name = "accounts/role_list.html"
    paginate_by = 100

    def get_queryset(self) -> QuerySet[RoleAssignment]:
        return super().get_queryset().select_related("user").order_by("user__username", "role")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        feds = scope_for(self.request.user).federations_with(Role.SECURITY_ADMIN)
        ctx["grant_form"] = kwargs.get("grant_form") or RoleGrantForm(request=self.request, federation_ids=feds)
        ctx["changeable_ids"] = set(
            RoleAssignment.objects.changeable_by(self.request.user).exclude(user_id=self.request.user.pk or 0)
            .values_list("pk", flat=True)
        )
        return ctx


@scoped_function(roles=SECURITY_ADMIN_ONLY)
def role_grant(request: HttpRequest) -> HttpResponse:
    federation_id = _federation_of(request, Role.SECURITY_ADMIN)
    feds = scope_for(request.user).federations_with(Role.SECURITY_ADMIN)
    form = RoleGrantForm(request.POST or None, request=request, federation_ids=feds)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # A bound role is bound to the organisation of the account's person (a liaison to her unit, a
        # community contact to her community): the security administrator picks none (and reads no
        # registry, 三员分立).
        unit_id, community_id = services.role_binding_of(data["user"], data["role"])
        try:
            services.role_grant(user=data["user"], role=data["role"], federation_id=federation_id,
                                unit_id=unit_id, community_id=community_id,
                                acting_user=request.user)  # type: ignore[arg-type]
        except ValidationError as exc:
            for m in exc.messages:
                form.add_error(None, m)
        else:
            messages.success(request, MSG_ROLE_GRANTED)
            return redirect("accounts:role-list")
    view = RoleListView()
    view.setup(request)
    view.object_list = view.get_queryset()
    return render(request, view.template_name, view.get_context_data(grant_form=form), status=400 if form.errors else 200)


class RoleRevokeView(_ConfirmedAction):
    model = RoleAssignment
    allowed_roles = SECURITY_ADMIN_ONLY
    question = "确定撤销该角色吗？"
    back_url = "accounts:role-list"

    def act(self, request: HttpRequest, obj: Any) -> HttpResponse:
        services.role_revoke(assignment=obj, acting_user=request.user)  # type: ignore[arg-type]
        messages.success(request, MSG_ROLE_REVOKED)
        return redirect(self.back_url)


def policy_values() -> list[tuple[str, str]]:
    """The password and log-in policy as configured (read-only page of the security administrator)."""
    from accounts import policy
    from accounts.validators import ComplexityValidator, PasswordHistoryValidator

    configured: list[dict[str, Any]] = list(settings.AUTH_PASSWORD_VALIDATORS)  # type: ignore[arg-type]
    names = [v["NAME"] for v in configured]
    opts: dict[str, dict[str, Any]] = {v["NAME"]: v.get("OPTIONS", {}) for v in configured}
    cname = f"{ComplexityValidator.__module__}.{ComplexityValidator.__name__}"
    hname = f"{PasswordHistoryValidator.__module__}.{PasswordHistoryValidator.__name__}"
    roles = "、".join(str(Role(r).label) for r in sorted(policy.OTP_REQUIRED_ROLES))
    return [
        ("密码最小长度", f"{opts.get(cname, {}).get('min_length', policy.PASSWORD_MIN_LENGTH)} 个字符"),
        ("字符类别", f"小写、大写、数字、符号中至少 {opts.get(cname, {}).get('min_classes', policy.PASSWORD_MIN_CLASSES)} 类"),
        ("常见密码", "禁止使用（两万个常见密码表）" if any("CommonPassword" in n for n in names) else "未启用"),
        ("重复与连续字符", "禁止主要由重复字符或连续序列（aaaa、abcd、qwer）组成的密码"
         if any("PatternValidator" in n for n in names) else "未启用"),
        ("历史密码", f"不得与最近 {opts.get(hname, {}).get('count', policy.PASSWORD_HISTORY)} 次相同" if hname in names else "未启用"),
        ("密码有效期", f"{policy.PASSWORD_MAX_AGE.days} 天，到期须修改"),
        ("首次登录/重置后", "须修改密码"),
        ("登录失败锁定", f"连续失败 {settings.AXES_FAILURE_LIMIT} 次锁定 {int(float(settings.AXES_COOLOFF_TIME) * 60)} 分钟（网页与接口合并计数）"),
        ("会话空闲超时", f"{settings.SESSION_COOKIE_AGE // 60} 分钟"),
        ("会话最长时间", f"{settings.SESSION_ABSOLUTE_LIFETIME // 3600} 小时"),
        ("双因素认证", f"动态验证码（TOTP），适用角色：{roles}"),
    ]


@scoped_function(roles=SECURITY_ADMIN_ONLY)
def password_policy(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/password_policy.html", {"values": policy_values()})
