"""The interface language: Chinese unless the user picked another one in the user menu.

Django's LocaleMiddleware also follows the browser's Accept-Language, so a clerk on an English-language
Windows build would get an English platform that no colleague, manual or training screenshot matches.
Here only the language cookie that `set_language` writes counts; without it the page is LANGUAGE_CODE.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


def language_for(request: HttpRequest) -> str:
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if chosen:
        try:
            return translation.get_supported_language_variant(chosen)
        except LookupError:
            pass
    return settings.LANGUAGE_CODE


class ChosenLanguageMiddleware(LocaleMiddleware):
    """LocaleMiddleware without the Accept-Language guess (URLs carry no language prefix here)."""

    def process_request(self, request: HttpRequest) -> None:
        translation.activate(language_for(request))
        request.LANGUAGE_CODE = translation.get_language()
