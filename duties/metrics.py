"""The duty system's measurements of a unit (core.metrics), read by the self-inspection's item 执委履职.

A unit's executives are those whose `unit` is the unit and who were in office at some time in [start, end];
a duty record is one of the records the duty record (履职档案) counts as duty done (selectors.COUNTED).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext

from core.metrics import EvidenceLink, Measurement
from duties import selectors
from duties.models import Executive


def _executives(unit_id: int, start: dt.date, end: dt.date) -> list[Executive]:
    overlapping = Q(started_on__lte=end) & (Q(ended_on__isnull=True) | Q(ended_on__gte=start))
    return list(
        Executive.objects.filter(overlapping, unit_id=unit_id).select_related("person").order_by("pk")
    )


def _records(unit_id: int, start: dt.date, end: dt.date) -> list[tuple[Executive, int]]:
    executives = _executives(unit_id, start, end)
    figures = selectors.duty_records([e.pk for e in executives], start, end)
    return [(e, selectors.record_total(figures[e.pk])) for e in executives]


def _link(executive: Executive, total: int, end: dt.date) -> EvidenceLink:
    url = reverse("duties:executive-detail", args=[executive.pk]) + f"?year={end.year}"
    return EvidenceLink(
        gettext("%(name)s：%(n)s 条履职记录") % {"name": executive.person.name, "n": total}, url
    )


def executive_records(unit_id: int, start: dt.date, end: dt.date, limit: int) -> Measurement:
    """Duty records of the unit's executives in [start, end]; evidence: each executive with records."""
    rows = sorted(((e, n) for e, n in _records(unit_id, start, end) if n), key=lambda r: (-r[1], r[0].pk))
    return Measurement(Decimal(sum(n for _, n in rows)), tuple(_link(e, n, end) for e, n in rows[:limit]))


def executives_active(unit_id: int, start: dt.date, end: dt.date, limit: int) -> Measurement:
    """The unit's executives in office in [start, end] with at least one duty record there."""
    rows = [(e, n) for e, n in _records(unit_id, start, end) if n]
    return Measurement(Decimal(len(rows)), tuple(_link(e, n, end) for e, n in rows[:limit]))


def executives_total(unit_id: int, start: dt.date, end: dt.date, limit: int) -> Measurement:
    """The unit's executives in office on `end`."""
    executives = [e for e in _executives(unit_id, start, end) if e.ended_on is None or e.ended_on >= end]
    links = tuple(
        EvidenceLink(e.person.name, reverse("duties:executive-detail", args=[e.pk]))
        for e in executives[:limit]
    )
    return Measurement(Decimal(len(executives)), links)
