"""Log-in, log-out and the user's own page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.services import MSG_LOCKED
from core.views import authenticated, public


def lockout_response(request: HttpRequest, credentials: dict[str, Any] | None = None, *args: Any, **kwargs: Any) -> HttpResponse:
    """What django-axes answers to a locked-out log-in: the log-in page with the reason, in Chinese."""
    if request.path.startswith("/api/"):
        from django.http import JsonResponse

        return JsonResponse({"message": MSG_LOCKED}, status=403)
    return render(request, "accounts/login.html", {"locked_message": MSG_LOCKED, "form": None}, status=403)


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True
    jinguo_scoping = "public"


login_view = public(LoginView.as_view())


@authenticated
def logout_view(request: HttpRequest) -> HttpResponse:
    from django.contrib.auth import logout
    from django.shortcuts import redirect

    if request.method == "POST":
        logout(request)
        messages.info(request, "您已安全退出。")
        return redirect("accounts:login")
    return render(request, "accounts/logout_confirm.html")


@authenticated
def profile(request: HttpRequest) -> HttpResponse:
    from core.scoping import scope_for

    return render(request, "accounts/profile.html", {"scope": scope_for(request.user)})
