"""Error pages in the user's language (Chinese by default), JSON for the API."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from core.api import MSG_FORBIDDEN, MSG_NOT_FOUND, MSG_SERVER_ERROR


def _api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _api(request):
        return JsonResponse({"message": MSG_NOT_FOUND}, status=404)
    return render(request, "errors/404.html", status=404)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _api(request):
        return JsonResponse({"message": MSG_FORBIDDEN}, status=403)
    return render(request, "errors/403.html", status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    if _api(request):
        return JsonResponse({"message": MSG_SERVER_ERROR}, status=500)
    # No context processors: the failure may be in one of them.
    from django.template import loader

    return HttpResponse(loader.get_template("errors/500.html").render(), status=500)
