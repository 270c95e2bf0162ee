"""Measurements of a unit's work that one app records and another scores.

The quantified self-inspection (assessment) scores items from records kept by the lecture and duty
systems, which sit beside it, not below it in every deployment. Rather than assessment reaching into
their tables, each app that can measure something registers a `Metric` under an agreed name in its
`plugs.register()`; assessment asks `measure(name, unit_id=..., start=..., end=...)` and gets the value
with the records it counted. A metric that no installed app provides is `None`: the item says so
instead of scoring zero.

Agreed names (the provider owns the meaning; change it only with the scorer):
    lectures.hosted_or_attended   lectures the unit hosted plus those its staff attended (count)
    lectures.volunteer_hours      credited service hours of the unit's volunteers (hours)
    duties.executive_records      duty records of the unit's executive members (count)
    duties.executives_active      the unit's executive members with at least one duty record (count)
    duties.executives_total       the unit's executive members in office on `end` (count)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from core.registry import Registry


@dataclass(frozen=True)
class EvidenceLink:
    """One record a measurement counted: what it is and where a person may look at it."""

    label: str
    url: str = ""


@dataclass(frozen=True)
class Measurement:
    value: Decimal
    # The records behind the value, newest first; at most `limit` of them (the value counts all).
    evidence: tuple[EvidenceLink, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Metric:
    """A named measurement of one unit over a period [start, end] (both inclusive)."""

    label: object  # lazily translated noun phrase, e.g. "主办或参加的讲座"
    unit_label: object  # lazily translated measure word, e.g. "场", "小时"
    measure: Callable[[int, date, date, int], Measurement]


metrics: Registry[Metric] = Registry("metrics")


def measure(name: str, *, unit_id: int, start: date, end: date, limit: int = 20) -> Measurement | None:
    """The named metric of a unit over [start, end], or None when no installed app provides it."""
    metric = metrics.get(name)
    if metric is None:
        return None
    return metric.measure(unit_id, start, end, limit)
