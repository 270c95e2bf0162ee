"""讲座统计: the lecture overview for federation staff, and its lists as Excel workbooks (lectures.overview)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from core import audit, clock, excel
from core.roles import Role
from core.tenancy import chosen_federation, federation_choices
from core.views import ScopedTemplateView, scoped_function
from lectures import overview
from orgs.models import Federation

STAFF = frozenset({Role.FEDERATION_STAFF})


def _overview(request: HttpRequest) -> tuple[overview.Overview, dict[int, str], int | None]:
    """(the overview, the federations' names, the year of the federation's first lecture)."""
    user = request.user
    federation = chosen_federation(request, STAFF)
    first = overview.first_year(user, federation)
    period = overview.parse_period(request.GET, clock.today(), first)
    names = dict(Federation.objects.visible_to(user).values_list("pk", "name"))
    return overview.overview_for(user, federation, period), names, first


class OverviewView(ScopedTemplateView):
    """Lectures held, attendance, ratings, hours, orders and lead time of one federation over a period."""

    allowed_roles = STAFF
    template_name = "lectures/overview/index.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        data, names, first = _overview(request)
        today = clock.today()
        rows = overview.PAGE_ROWS
        context = {
            "o": data,
            "period": data.period,
            "federation": data.federation_id,
            "federation_name": names.get(data.federation_id or 0, ""),
            "federation_choices": federation_choices(request, STAFF, names),
            "years": list(range(today.year, min(first or today.year, today.year) - 1, -1)),
            "chart": overview.chart_data(data),
            "rows": rows,
            "topics": data.by_topic[:rows],
            "units": data.by_unit[:rows],
            "volunteers": data.by_volunteer[:rows],
            "orderers": data.by_orderer[:rows],
        }
        return render(request, self.template_name, context)


@scoped_function(roles=STAFF)
def overview_export(request: HttpRequest, kind: str) -> HttpResponse:
    """One list of the overview as an Excel workbook, for the same federation and period as the page."""
    spec = overview.LISTS.get(kind)
    if spec is None:
        raise Http404
    data, names, _first = _overview(request)
    name = names.get(data.federation_id or 0, "")
    content, count = overview.list_workbook(spec, data, name)
    period = f"{data.period.start.isoformat()}_{data.period.end.isoformat()}"
    audit.record(
        "export",
        object_type="lectures.overview",
        object_repr=str(spec.title),
        detail=f"{spec.title}（{data.period.start.isoformat()} 至 {data.period.end.isoformat()}，{count} 行）",
        changes={
            "list": kind,
            "from": data.period.start.isoformat(),
            "to": data.period.end.isoformat(),
            "rows": count,
        },
        federation_id=data.federation_id,
    )
    return excel.xlsx_response(
        content,
        filename=f"讲座统计_{spec.title!s}_{period}.xlsx",
        ascii_name=f"lectures-{kind}-{period}.xlsx",
    )


overview_export.jinguo_example_kwargs = {"kind": "topics"}  # type: ignore[attr-defined]
