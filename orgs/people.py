"""People (人员): a scoped directory whose personal information is masked until deliberately revealed.

Revealing a phone or ID number is a POST, answered with no-store, and recorded in the audit log
(等保 / PIPL: every read of personal information is traceable to a person and a reason).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import audit
from core.roles import FEDERATION_WIDE_ROLES, Role
from core.views import ScopedDetailView, ScopedListView
from orgs.models import Person

PEOPLE_ROLES = frozenset({Role.FEDERATION_STAFF, Role.UNIT_LIAISON})
MSG_REASON_REQUIRED = gettext_lazy("请填写查看原因（将记入审计日志）。")


def mask_phone(value: str) -> str:
    digits = value.strip()
    return f"{digits[:3]}****{digits[-4:]}" if len(digits) >= 7 else ("*" * len(digits))


def mask_id_number(value: str) -> str:
    v = value.strip()
    return f"{v[:4]}{'*' * (len(v) - 8)}{v[-4:]}" if len(v) > 8 else ("*" * len(v))


def person_list_for(user: Any, *, q: str | None = None) -> QuerySet[Person]:
    """People the user may see; `q` matches a name, or a whole phone / ID number by keyed hash."""
    qs = Person.objects.visible_to(user).select_related("unit").order_by("name_pinyin", "name", "id")
    if q:
        by_hash = Person.objects.by_phone(q).values("pk").union(Person.objects.by_id_number(q).values("pk"))
        qs = qs.filter(Q(name__icontains=q) | Q(pk__in=by_hash))
    return qs


class PersonListView(ScopedListView):
    model = Person
    allowed_roles = PEOPLE_ROLES
    template_name = "orgs/person_list.html"
    paginate_by = 50

    def get_queryset(self) -> QuerySet[Person]:
        return person_list_for(self.request.user, q=self.request.GET.get("q", "").strip() or None)


class PersonDetailView(ScopedDetailView):
    model = Person
    allowed_roles = PEOPLE_ROLES | FEDERATION_WIDE_ROLES
    template_name = "orgs/person_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        person: Person = self.object
        ctx["masked_phone"] = mask_phone(person.phone) if person.phone else ""
        ctx["masked_id_number"] = mask_id_number(person.id_number) if person.id_number else ""
        return ctx

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """Reveal the personal information, once, with a stated reason that goes to the audit log."""
        self.object = person = self.get_object()
        reason = request.POST.get("reason", "").strip()
        ctx = self.get_context_data(object=person)
        if not reason:
            ctx["reveal_error"] = MSG_REASON_REQUIRED
            return render(request, self.template_name, ctx, status=400)
        audit.record("read_personal_info", obj=person, detail=f"查看手机号码、身份证号；原因：{reason}"[:500])
        messages.info(request, _("本次查看已记入审计日志。"))
        ctx["revealed"] = True
        response = render(request, self.template_name, ctx)
        add_never_cache_headers(response)
        return response
