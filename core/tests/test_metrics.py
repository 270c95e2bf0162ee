from datetime import date
from decimal import Decimal

from core import metrics


def test_a_metric_no_app_provides_is_none_not_zero():
    assert (
        metrics.measure("nobody.provides_this", unit_id=1, start=date(2026, 1, 1), end=date(2026, 12, 31))
        is None
    )


def test_a_registered_metric_gets_the_unit_the_period_and_the_limit():
    seen = []

    def measure(unit_id, start, end, limit):
        seen.append((unit_id, start, end, limit))
        return metrics.Measurement(Decimal(3), (metrics.EvidenceLink("讲座一", "/l/1/"),))

    with metrics.metrics.temporarily("tests.count", metrics.Metric("讲座", "场", measure)):
        got = metrics.measure(
            "tests.count", unit_id=7, start=date(2026, 1, 1), end=date(2026, 6, 30), limit=5
        )
    assert got is not None and got.value == 3 and got.evidence[0].url == "/l/1/"
    assert seen == [(7, date(2026, 1, 1), date(2026, 6, 30), 5)]
    assert metrics.metrics.get("tests.count") is None
