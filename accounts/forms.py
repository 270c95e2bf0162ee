"""Log-in (with the second factor), password change, and the administrators' forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext, gettext_lazy

from accounts import services
from accounts.models import User
from accounts.policy import requires_otp
from core.forms import StyledForm, StyledFormMixin
from core.roles import Role

MSG_PASSWORD_MISMATCH = gettext_lazy("两次输入的新密码不一致。")
MSG_OLD_PASSWORD_WRONG = gettext_lazy("原密码不正确。")
MSG_OTP_FORMAT = gettext_lazy("请输入6位数字。")


class LoginForm(AuthenticationForm):
    """User name and password, and the 6-digit code for accounts that need a second factor.

    A wrong or missing code is a failed log-in for django-axes (it counts toward the lock-out) and for the
    audit log. An account that needs a second factor but has no device yet logs in with its password and
    is sent to enrolment by accounts.middleware.LoginPolicyMiddleware.
    """

    otp_token = forms.CharField(label=gettext_lazy("动态验证码"), required=False, max_length=6)

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": services.MSG_BAD_CREDENTIALS,
        "inactive": services.MSG_BAD_CREDENTIALS,
    }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        user = self.user_cache
        if user is not None and requires_otp(user) and services.confirmed_device(user) is not None:
            token = (cleaned.get("otp_token") or "").strip()
            if not token:
                self._otp_failed(user, "otp missing")
            device = services.otp_verify(user, token)
            if device is None:
                self._otp_failed(user, "otp wrong")
            user.otp_device = device  # type: ignore[attr-defined]  # django_otp.login() marks the session
        return cleaned

    def _otp_failed(self, user: User, reason: str) -> None:
        """Answered exactly like a wrong password (services.MSG_BAD_CREDENTIALS): never confirms one."""
        assert self.request is not None
        services.count_failure(self.request, user.get_username(), reason=reason)
        self.user_cache = None
        raise ValidationError(self.error_messages["invalid_login"], code="invalid_login")


class OtpForm(StyledForm):
    otp_token = forms.RegexField(label=gettext_lazy("动态验证码"), regex=r"^\d{6}$", max_length=6,
                                 error_messages={"invalid": MSG_OTP_FORMAT})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["otp_token"].widget.attrs.update(
            {"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}
        )


class ChangePasswordForm(StyledFormMixin, PasswordChangeForm):
    error_messages = {
        **PasswordChangeForm.error_messages,
        "password_mismatch": MSG_PASSWORD_MISMATCH,
        "password_incorrect": MSG_OLD_PASSWORD_WRONG,
    }

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        from accounts.policy import PASSWORD_HISTORY, PASSWORD_MIN_CLASSES, PASSWORD_MIN_LENGTH
        from accounts.validators import HELP_PASSWORD_RULES

        self.fields["old_password"].label = gettext("原密码")
        self.fields["new_password1"].label = gettext("新密码")
        self.fields["new_password2"].label = gettext("再次输入新密码")
        self.fields["new_password1"].help_text = HELP_PASSWORD_RULES.format(
            min_length=PASSWORD_MIN_LENGTH, min_classes=PASSWORD_MIN_CLASSES, count=PASSWORD_HISTORY
        )
        self.fields["new_password2"].help_text = ""


class AccountCreateForm(StyledForm):
    username = forms.RegexField(label=gettext_lazy("用户名"), regex=r"^[\w.@+-]{3,150}$", max_length=150,
                                help_text=gettext_lazy("3–150个字母、数字或 @ . + - _"))
    display_name = forms.CharField(label=gettext_lazy("姓名"), max_length=50)
    email = forms.EmailField(label=gettext_lazy("电子邮箱"), required=False)


ROLE_CHOICES = [(r.value, r.label) for r in Role]


class RoleGrantForm(forms.Form):
    """Not a StyledForm: StyledFormMixin looks at `errors` inside __init__, which would validate before the
    account queryset below is set."""

    user = forms.ModelChoiceField(label=gettext_lazy("账号"), queryset=User.objects.none())
    role = forms.ChoiceField(label=gettext_lazy("角色"), choices=ROLE_CHOICES, help_text=gettext_lazy("联络员角色绑定到该账号人员所在的单位。"))

    def __init__(self, *args: Any, request: HttpRequest, federation_ids: frozenset[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user_field: forms.ModelChoiceField = self.fields["user"]  # type: ignore[assignment]
        user_field.queryset = (
            User.objects.visible_to(request.user).filter(federation_id__in=federation_ids, is_active=True)
            .exclude(pk=request.user.pk).order_by("username")
        )
        user_field.label_from_instance = lambda obj: gettext("%(username)s（%(name)s）") % {"username": obj.username, "name": obj.label}  # type: ignore[method-assign,assignment]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select"


class ResetRedeemForm(StyledForm):
    """The holder's page: their user name, the code handed to them, and the new password twice."""

    username = forms.CharField(label=gettext_lazy("用户名"), max_length=150)
    code = forms.CharField(label=gettext_lazy("一次性重置码"), max_length=40,
                           help_text=gettext_lazy("管理员当面交给您的16位重置码，横线可省略。"))
    new_password1 = forms.CharField(label=gettext_lazy("新密码"), widget=forms.PasswordInput, strip=False)
    new_password2 = forms.CharField(label=gettext_lazy("再次输入新密码"), widget=forms.PasswordInput, strip=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from accounts.policy import PASSWORD_HISTORY, PASSWORD_MIN_CLASSES, PASSWORD_MIN_LENGTH
        from accounts.validators import HELP_PASSWORD_RULES

        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autofocus": True})
        self.fields["code"].widget.attrs.update({"autocomplete": "off", "autocapitalize": "characters",
                                                 "spellcheck": "false"})
        self.fields["new_password1"].widget.attrs["autocomplete"] = "new-password"
        self.fields["new_password2"].widget.attrs["autocomplete"] = "new-password"
        self.fields["new_password1"].help_text = HELP_PASSWORD_RULES.format(
            min_length=PASSWORD_MIN_LENGTH, min_classes=PASSWORD_MIN_CLASSES, count=PASSWORD_HISTORY)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("new_password1") and cleaned.get("new_password1") != cleaned.get("new_password2"):
            self.add_error("new_password2", MSG_PASSWORD_MISMATCH)
        return cleaned
