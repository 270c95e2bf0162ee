"""Service hours and star levels (志愿服务时长、星级): pure arithmetic, no ORM.

Hours are always derived (never typed as a total): each lecturer of a held lecture is credited the lecture's
length plus the topic's preparation hours, and each other service staff approved (with its evidence) counts
its hours. Star levels follow the national
volunteer rules' thresholds: one star from 100 hours, five stars from 1500.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

STAR_THRESHOLDS: tuple[int, ...] = (100, 300, 600, 1000, 1500)
QUARTER = Decimal("0.01")


def credited_hours(duration_minutes: int, preparation_hours: Decimal | int | float = 0) -> Decimal:
    """Hours one lecturer is credited for one held lecture."""
    if duration_minutes < 0:
        raise ValueError("duration_minutes must not be negative")
    total = Decimal(duration_minutes) / Decimal(60) + Decimal(str(preparation_hours))
    return total.quantize(QUARTER, rounding=ROUND_HALF_UP)


def total_hours(parts: Iterable[Decimal]) -> Decimal:
    return sum(parts, Decimal(0)).quantize(QUARTER, rounding=ROUND_HALF_UP)


def star_level(hours: Decimal | int | float, thresholds: tuple[int, ...] = STAR_THRESHOLDS) -> int:
    """0 (no star yet) to len(thresholds) stars."""
    value = Decimal(str(hours))
    return sum(1 for t in thresholds if value >= t)


def hours_to_next_star(
    hours: Decimal | int | float, thresholds: tuple[int, ...] = STAR_THRESHOLDS
) -> Decimal | None:
    """Hours still missing to the next star; None at the top level."""
    value = Decimal(str(hours))
    for t in thresholds:
        if value < t:
            return (Decimal(t) - value).quantize(QUARTER)
    return None
