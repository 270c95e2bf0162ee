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
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.functional import Promise
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, gettext_lazy, pgettext
from django.views import View
from django.views.decorators.http import require_POST

from accounts import services
from accounts.forms import (
    AccountCreateForm,
    ChangePasswordForm,
    LoginForm,
    OtpForm,
    ResetRedeemForm,
    RoleGrantForm,
)
from accounts.middleware import MSG_PASSWORD_EXPIRED, MSG_PASSWORD_MUST_CHANGE
from accounts.models import CredentialReset, RoleAssignment, User
from accounts.policy import requires_otp
from accounts.services import MSG_LOCKED
from core.roles import Role
from core.scoping import scope_for
from core.tenancy import chosen_federation
from core.views import (
    ObjectActionView,
    ScopedListView,
    ScopedObjectMixin,
    authenticated,
    public,
    scoped_function,
)

MSG_PASSWORD_CHANGED = gettext_lazy("密码已修改。")
MSG_TOKENS_REVOKED = gettext_lazy("接口令牌已撤销，使用它的程序须重新获取令牌。")
MSG_OTP_ENROLLED = gettext_lazy("动态验证码已绑定，今后登录须输入验证器中的6位数字。")
MSG_ACCOUNT_DEACTIVATED = gettext_lazy("账号已停用。")
MSG_ACCOUNT_CREATED = gettext_lazy("账号 {username} 已创建。请账号本人到安全管理员处当面领取一次性重置码，用它设置首次登录密码。")
MSG_RESET_REQUESTED = gettext_lazy("已申请重置账号 {username} 的登录凭据。请本人到{hander}处当面领取一次性重置码；在本人使用前，原密码和验证器不变。")
MSG_RESET_CANCELLED = gettext_lazy("已撤销重置申请。")
MSG_RESET_DONE = gettext_lazy("新密码已设置，请用新密码登录。")
MSG_RESET_DONE_OTP = gettext_lazy("新密码已设置。请用新密码登录，然后用手机验证器重新绑定动态验证码。")
MSG_TITLE_RESET_PASSWORD = gettext_lazy("重置登录密码")
MSG_TITLE_RESET_OTP = gettext_lazy("重置动态验证码")
INTRO_RESET_PASSWORD = gettext_lazy(
    "重置不会生成密码，您也不会看到任何密码或重置码。申请后，由另一位管理员当面核实本人身份，交给本人一次性重置码；"
    "本人用重置码自行设置新密码。在此之前，原密码照常可用。每一步都记入审计日志并通知审计管理员。")
INTRO_RESET_OTP = gettext_lazy(
    "适用于手机遗失或更换：本人用一次性重置码设置新密码后，原验证器作废，下次登录时重新绑定。"
    "重置码由另一位管理员当面交给本人，您不会看到。每一步都记入审计日志并通知审计管理员。")
MSG_ROLE_GRANTED = gettext_lazy("已授予角色。")
MSG_ROLE_REVOKED = gettext_lazy("已撤销角色。")
MSG_NO_FEDERATION = gettext_lazy("您的管理员角色未关联妇联，无法操作。")

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
        messages.info(request, gettext("您已安全退出。"))
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
    """The federation the page works in (asked for, else the last chosen: core.tenancy), never a guess."""
    chosen = chosen_federation(request, [role])
    if chosen is None:
        raise PermissionDenied(MSG_NO_FEDERATION)
    return chosen


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
            user = services.account_create(federation_id=federation_id, acting_user=request.user,  # type: ignore[arg-type]
                                           **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, str(MSG_ACCOUNT_CREATED).format(username=user.username))
            return redirect("accounts:user-list")
    return render(request, "accounts/user_form.html", {"form": form})


class _ConfirmedAction(ScopedObjectMixin, View):
    """GET shows a confirmation; POST does the action on a changeable object."""

    action = "change"
    question: str | Promise = ""

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
    question = gettext_lazy("确定停用该账号吗？停用后无法登录，接口令牌立即作废。")
    back_url = "accounts:user-list"

    def act(self, request: HttpRequest, obj: Any) -> HttpResponse:
        services.account_deactivate(user=obj, acting_user=request.user)  # type: ignore[arg-type]
        messages.success(request, MSG_ACCOUNT_DEACTIVATED)
        return redirect(self.back_url)


class UserResetRequestView(ObjectActionView):
    """The system administrator asks for a reset of an account's log-in (accounts.resets): no password and
    no code is shown to them; the code goes to the holder through another administrator."""

    model = User
    allowed_roles = SYSTEM_ADMIN_ONLY
    action = "change"
    with_otp = False
    submit_label = gettext_lazy("申请重置")

    @property
    def title(self) -> Any:  # type: ignore[override]
        return MSG_TITLE_RESET_OTP if self.with_otp else MSG_TITLE_RESET_PASSWORD

    @property
    def intro(self) -> Any:  # type: ignore[override]
        return INTRO_RESET_OTP if self.with_otp else INTRO_RESET_PASSWORD

    def facts(self) -> list[tuple[str, str]]:
        from accounts.resets import hander_role

        user: User = self.object
        roles = pgettext("list separator", "、").join(str(ra.get_role_display()) for ra in user.role_assignments.all()) or "—"
        return [(str(gettext_lazy("账号")), user.username), (str(gettext_lazy("姓名")), user.label),
                (str(gettext_lazy("角色")), roles),
                (str(gettext_lazy("重置码交付人")), str(Role(hander_role(user)).label))]

    def perform(self, form: Any) -> str:
        from accounts.resets import credential_reset_request, hander_role

        credential_reset_request(user=self.object, with_otp=self.with_otp, acting_user=self.request.user)  # type: ignore[arg-type]
        return str(MSG_RESET_REQUESTED).format(username=self.object.username,
                                               hander=Role(hander_role(self.object)).label)

    def get_success_url(self) -> str:
        return reverse("accounts:user-list")


class UserOtpResetRequestView(UserResetRequestView):
    """For a lost phone: the new authenticator is enrolled after the holder has set a new password."""

    with_otp = True


# -------------------------------------------------------------------------- resets: handing codes over
RESET_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR})


class CredentialResetListView(ScopedListView):
    """The resets of the administrator's federations: who asked, who hands the code over, where it stands."""

    model = CredentialReset
    allowed_roles = RESET_ROLES
    template_name = "accounts/reset_list.html"

    def get_queryset(self) -> QuerySet[CredentialReset]:
        return super().get_queryset().select_related("user", "requested_by", "issued_by").order_by("-requested_at", "-id")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        rows = list(ctx["object_list"])
        pks = [r.pk for r in rows]
        issuable = set(CredentialReset.objects.permitted(self.request.user, "issue").filter(pk__in=pks)
                       .values_list("pk", flat=True))
        cancellable = set(CredentialReset.objects.permitted(self.request.user, "cancel").filter(pk__in=pks)
                          .values_list("pk", flat=True))
        ctx["rows"] = [(r, r.is_open and r.pk in issuable, r.is_open and r.pk in cancellable) for r in rows]
        return ctx


class CredentialResetIssueView(ObjectActionView):
    """The handing administrator, with the holder in front of them, issues the one-time code: shown once."""

    model = CredentialReset
    allowed_roles = frozenset({Role.SECURITY_ADMIN, Role.AUDITOR})
    action = "issue"
    title = gettext_lazy("生成一次性重置码")
    intro = gettext_lazy("请先当面核实账号持有人的身份（工作证或身份证），再生成重置码并当面交给本人。重置码仅显示这一次，"
                         "24 小时内有效，只能使用一次；再次生成会使之前的重置码作废。")
    submit_label = gettext_lazy("已核实身份，生成重置码")

    def facts(self) -> list[tuple[str, str]]:
        reset: CredentialReset = self.object
        return [(str(gettext_lazy("账号")), gettext("%(username)s（%(name)s）") % {"username": reset.user.username,
                                                                                  "name": reset.user.label}),
                (str(gettext_lazy("类别")), str(reset.get_kind_display()) + (
                    str(gettext_lazy("，含动态验证码")) if reset.with_otp else "")),
                (str(gettext_lazy("申请人")), reset.requested_by.username if reset.requested_by else "—"),
                (str(gettext_lazy("状态")), reset.status())]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        from accounts.resets import CODE_LIFETIME, credential_reset_issue

        self.object = self.get_object()
        form = self.make_form(request.POST)
        if form.is_valid():
            try:
                code = credential_reset_issue(reset=self.object, acting_user=request.user)  # type: ignore[arg-type]
            except ValidationError as refused:
                form.add_error(None, refused)
            else:
                response = render(request, "accounts/reset_code.html", {
                    "reset": self.object, "code": code, "hours": int(CODE_LIFETIME.total_seconds() // 3600),
                    "redeem_url": request.build_absolute_uri(reverse("accounts:reset-redeem")),
                })
                add_never_cache_headers(response)
                return response
        return self.show(form, status=400)

    def get_success_url(self) -> str:
        return reverse("accounts:reset-list")


class CredentialResetCancelView(ObjectActionView):
    model = CredentialReset
    allowed_roles = SYSTEM_ADMIN_ONLY
    action = "cancel"
    title = gettext_lazy("撤销重置申请")
    intro = gettext_lazy("撤销后，已交付的重置码也立即作废。")
    submit_label = gettext_lazy("撤销")
    danger = True

    def perform(self, form: Any) -> str:
        from accounts.resets import credential_reset_cancel

        credential_reset_cancel(reset=self.object, acting_user=self.request.user)  # type: ignore[arg-type]
        return str(MSG_RESET_CANCELLED)

    def get_success_url(self) -> str:
        return reverse("accounts:reset-list")


@public
def reset_redeem(request: HttpRequest) -> HttpResponse:
    """The holder sets a new password with the code handed to them (no log-in needed, CSRF-protected)."""
    from accounts.resets import credential_reset_redeem

    form = ResetRedeemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = credential_reset_redeem(request=request, username=data["username"], code=data["code"],
                                           new_password=data["new_password1"])
        except ValidationError as refused:
            if getattr(refused, "code", None) in ("code", "locked"):
                form.add_error(None, refused)
            else:
                form.add_error("new_password1", refused)
        else:
            done = MSG_RESET_DONE_OTP if requires_otp(user) and services.confirmed_device(user) is None else MSG_RESET_DONE
            messages.success(request, done)
            return redirect("accounts:login")
    response = render(request, "accounts/reset_redeem.html", {"form": form}, status=400 if form.errors else 200)
    add_never_cache_headers(response)
    return response


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
    question = gettext_lazy("确定撤销该角色吗？")
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
    roles = pgettext("list separator", "、").join(str(Role(r).label) for r in sorted(policy.OTP_REQUIRED_ROLES))
    return [
        (gettext("密码最小长度"), gettext("%(n)s 个字符") % {"n": opts.get(cname, {}).get("min_length", policy.PASSWORD_MIN_LENGTH)}),
        (gettext("字符类别"), gettext("小写、大写、数字、符号中至少 %(n)s 类")
         % {"n": opts.get(cname, {}).get("min_classes", policy.PASSWORD_MIN_CLASSES)}),
        (gettext("常见密码"), gettext("禁止使用（两万个常见密码表）") if any("CommonPassword" in n for n in names) else gettext("未启用")),
        (gettext("重复与连续字符"), gettext("禁止主要由重复字符或连续序列（aaaa、abcd、qwer）组成的密码")
         if any("PatternValidator" in n for n in names) else gettext("未启用")),
        (gettext("历史密码"), gettext("不得与最近 %(n)s 次相同") % {"n": opts.get(hname, {}).get("count", policy.PASSWORD_HISTORY)}
         if hname in names else gettext("未启用")),
        (gettext("密码有效期"), gettext("%(days)s 天，到期须修改") % {"days": policy.PASSWORD_MAX_AGE.days}),
        (gettext("首次登录/重置后"), gettext("须修改密码")),
        (gettext("登录失败锁定"), gettext("连续失败 %(failures)s 次锁定 %(minutes)s 分钟（网页与接口合并计数）") % {
            "failures": settings.AXES_FAILURE_LIMIT, "minutes": int(float(settings.AXES_COOLOFF_TIME) * 60)}),
        (gettext("会话空闲超时"), gettext("%(n)s 分钟") % {"n": settings.SESSION_COOKIE_AGE // 60}),
        (gettext("会话最长时间"), gettext("%(n)s 小时") % {"n": settings.SESSION_ABSOLUTE_LIFETIME // 3600}),
        (gettext("双因素认证"), gettext("动态验证码（TOTP），适用角色：%(roles)s") % {"roles": roles}),
    ]


@scoped_function(roles=SECURITY_ADMIN_ONLY)
def password_policy(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/password_policy.html", {"values": policy_values()})
