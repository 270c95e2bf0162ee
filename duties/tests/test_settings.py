"""Per-federation thresholds of the duty system: "no contact in N days" and shifts required a year, edited
by staff on a page and read by the coverage and the duty records."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core import clock
from core.testing.world import build_world
from duties import selectors, services
from duties.models import DutySettings
from duties.views_records import board_rows


@pytest.fixture
def world(db):
    return build_world()


def test_defaults_without_a_row(world):
    row = DutySettings.of(world.fed_a.pk)
    assert (row.no_contact_days, row.required_shifts, row.case_retention_years) == (90, 4, 5)
    assert selectors.expectations(world.fed_a.pk)["shifts_served"] == 4


def test_coverage_reads_the_federations_no_contact_days(world):
    today = clock.today()
    services.contact_log_record(
        assignment=world.community_assignment_a,
        contacted_on=today - dt.timedelta(days=60),
        way="phone",
        subject="电话回访",
    )
    ids = lambda: {line.assignment.pk for line in selectors.coverage(world.staff, world.fed_a.pk)}  # noqa: E731
    assert world.community_assignment_a.pk not in ids()
    services.duty_settings_save(
        federation=world.fed_a, no_contact_days=30, required_shifts=4, case_retention_years=5
    )
    assert world.community_assignment_a.pk in ids()
    # The other federation keeps the default.
    assert DutySettings.of(world.fed_b.pk).no_contact_days == 90


def test_duty_records_read_the_federations_required_shifts(world):
    year = 2024
    short = {r["executive"].pk: r["short"] for r in board_rows(world.staff, year)}
    assert "shifts_served" in short[world.exec_a.pk]
    services.duty_settings_save(
        federation=world.fed_a, no_contact_days=90, required_shifts=1, case_retention_years=5
    )
    short = {r["executive"].pk: r["short"] for r in board_rows(world.staff, year)}
    assert "shifts_served" not in short[world.exec_a.pk]


def test_out_of_range_is_refused(world):
    with pytest.raises(ValidationError) as refusal:
        services.duty_settings_save(
            federation=world.fed_a, no_contact_days=2, required_shifts=4, case_retention_years=5
        )
    assert refusal.value.code == "out_of_range"
    assert not DutySettings.objects.exists()


def test_staff_edit_the_settings_on_a_page(world, client_as):
    client = client_as(world.staff)
    page = client.get(reverse("duties:settings"))
    assert page.status_code == 200 and 'value="90"' in page.content.decode()
    res = client.post(
        reverse("duties:settings"),
        {"no_contact_days": "60", "required_shifts": "6", "case_retention_years": "8"},
    )
    assert res.status_code == 302
    row = DutySettings.objects.get(federation=world.fed_a)
    assert (row.no_contact_days, row.required_shifts, row.case_retention_years) == (60, 6, 8)
    bad = client.post(
        reverse("duties:settings"),
        {"no_contact_days": "1", "required_shifts": "6", "case_retention_years": "8"},
    )
    assert bad.status_code == 400 and "7 至 730" in bad.content.decode()
    assert "60 天内未联系上" in client.get(reverse("duties:coverage")).content.decode()


@pytest.mark.parametrize("persona", ["executive", "supervisor", "liaison", "outsider"])
def test_only_staff_reach_the_settings(world, client_as, persona):
    assert client_as(getattr(world, persona)).get(reverse("duties:settings")).status_code == 403
