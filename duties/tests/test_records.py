"""The derived duty records: the board's table, its workbook and an executive's annual report."""

import io

import pytest
from django.urls import reverse

from core.testing.world import build_world


@pytest.fixture
def world(db):
    return build_world()


def test_the_records_page_and_workbook(world, client_as):
    from openpyxl import load_workbook

    client = client_as(world.staff)
    page = client.get(reverse("duties:records") + "?year=2024").content.decode()
    assert "executive人员" in page and "text-danger" in page  # one shift served of the four expected
    res = client.get(reverse("duties:records-export") + "?year=2024")
    rows = list(load_workbook(io.BytesIO(res.content)).active.iter_rows(values_only=True))
    line = next(r for r in rows if r[0] == "executive人员")
    # contacts 1, reached 1, shifts served 1, no-shows 0, cases 1, meetings 1, absent 0, suggestions 0, adopted 0
    assert list(line[2:12]) == [1, 1, 1, 0, 1, 1, 0, 0, 0, 4]
    assert (
        client_as(world.outsider)
        .get(reverse("duties:records") + "?year=2024")
        .content.decode()
        .count("executive人员")
        == 0
    )


def test_the_annual_report_is_a_pdf_for_who_may_see_the_executive(world, client_as):
    url = reverse("duties:duty-report", args=[world.exec_a.pk]) + "?year=2024"
    res = client_as(world.executive).get(url)
    assert res.status_code == 200 and res.content.startswith(b"%PDF")
    assert client_as(world.outsider).get(url).status_code == 404
