from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse

from core.confidential import reads_confidential
from core.views import ScopedDetailView
from tests.plugin_app.models import CareNote


def panel(user: Any, unit: Any) -> dict[str, Any] | None:
    count = CareNote.objects.visible_to(user).filter(unit=unit).count()
    return {"care_count": count} if count else None


class CareNoteDetailView(ScopedDetailView):
    model = CareNote
    action = "read"

    @reads_confidential("查看关爱记录")
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        note = self.get_object()
        return HttpResponse(f"<html><body>{note.body}</body></html>")
