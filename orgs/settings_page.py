"""A federation's settings (本妇联规则设置): the rules the federation may change, one section per app.

Each app registers a section (orgs.registry.federation_settings) with a form over its own settings; this
page shows them all and saves one section per POST. Staff of the federation edit them (Federation action
"manage"); a save carries the version its form was loaded with, so two editors do not overwrite each other.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.forms import StyledForm
from core.models import ConcurrentEditError
from core.roles import Role
from core.tenancy import chosen_federation
from core.views import ScopedDetailView, scoped_function
from orgs import services
from orgs.models import Federation
from orgs.registry import FederationSettingsSection, federation_settings

MSG_SETTINGS_SAVED = _("已保存“%(section)s”。")


class CommitteeRulesForm(StyledForm):
    """换届与补缺: the rules behind the three rates (domain.md defaults: 5 years, 0 days, 90 days)."""

    term_length_years = forms.IntegerField(label=_("每届任期（年）"), min_value=1, max_value=10)
    reelection_grace_days = forms.IntegerField(label=_("换届宽限天数"), min_value=0, max_value=365,
                                               help_text=_("届满后在此天数内换届，仍计为按时换届。"))
    vacancy_fill_days = forms.IntegerField(label=_("补缺期限（天）"), min_value=1, max_value=730)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, federation: Federation, data: Any = None) -> None:
        self.federation = federation
        initial = {f: getattr(federation, f) for f in services.FEDERATION_RULE_FIELDS} | {"version": federation.version}
        super().__init__(data, initial=initial)

    def save(self, acting_user: Any) -> None:
        d = self.cleaned_data
        services.federation_rules_update(
            federation=self.federation, changes={f: d[f] for f in services.FEDERATION_RULE_FIELDS},
            version=d["version"], acting_user=acting_user,
        )


class FederationSettingsView(ScopedDetailView):
    model = Federation
    action = "manage"
    allowed_roles = frozenset({Role.FEDERATION_STAFF})
    template_name = "orgs/federation_settings.html"

    def sections(self, federation: Federation, posted: str | None = None, data: Any = None) -> list[dict[str, Any]]:
        return [
            {"key": key, "title": section.title,
             "form": section.form(federation, data if key == posted else None)}
            for key, section in federation_settings.items()
        ]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        federation: Federation = self.get_object()  # type: ignore[assignment]
        return render(request, self.template_name, {"object": federation, "sections": self.sections(federation)})

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        federation: Federation = self.get_object()  # type: ignore[assignment]
        key = request.POST.get("section", "")
        sections = self.sections(federation, key, request.POST)
        chosen = next((s for s in sections if s["key"] == key), None)
        if chosen is None:
            return render(request, self.template_name, {"object": federation, "sections": sections}, status=400)
        form = chosen["form"]
        if form.is_valid():
            try:
                form.save(request.user)
            except ConcurrentEditError as conflict:
                form.add_error(None, conflict)
            except ValidationError as refused:
                for message in refused.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, MSG_SETTINGS_SAVED % {"section": chosen["title"]})
                return redirect(reverse("orgs:federation-settings", args=[federation.pk]) + f"#{key}")
        return render(request, self.template_name, {"object": federation, "sections": sections}, status=400)


@scoped_function(roles={Role.FEDERATION_STAFF})
def my_federation_settings(request: HttpRequest) -> HttpResponse:
    """The menu's entry: the settings of the federation the user works in (core.tenancy)."""
    federation = chosen_federation(request, {Role.FEDERATION_STAFF})
    if federation is None:
        raise Http404
    return redirect("orgs:federation-settings", pk=federation)


def register_own_section() -> None:
    federation_settings.register(
        "orgs.committee_rules", FederationSettingsSection(title=_("换届与补缺"), form=CommitteeRulesForm), order=10
    )
