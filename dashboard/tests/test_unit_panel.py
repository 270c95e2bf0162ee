"""The committee panel on a unit's page (committees.views.unit_committee_panel)."""

from __future__ import annotations

import datetime as dt

from committees.models import Committee, Term, Vacancy
from core import audit

D = dt.date


def test_the_unit_page_shows_its_committee_term_and_late_vacancy(world, client_as):
    with audit.acting_as(None, source="test"):
        c = Committee.objects.create(federation=world.fed_a, unit=world.unit_a1, formed_on=D(2012, 3, 1))
        Term.objects.create(federation=world.fed_a, committee=c, number=1, started_on=D(2012, 3, 1), due_on=D(2017, 3, 1))
        Vacancy.objects.create(federation=world.fed_a, committee=c, role="vice_chair", vacated_on=D(2017, 5, 1))
    html = client_as(world.liaison).get(f"/orgs/units/{world.unit_a1.pk}/").content.decode()
    assert 'data-testid="committee-panel"' in html
    assert "第1届" in html and "超期服役" in html and "已超过补缺期限" in html


def test_a_unit_without_committee_says_so(world, client_as):
    html = client_as(world.staff).get(f"/orgs/units/{world.unit_a2.pk}/").content.decode()
    assert "本单位尚未组建妇委会。" in html


def test_roles_that_read_no_committee_rows_see_no_panel(world, client_as):
    # The volunteer works at unit_a1 and may see the unit, not its committee records.
    page = client_as(world.volunteer).get(f"/orgs/units/{world.unit_a1.pk}/")
    assert page.status_code == 200
    assert 'data-testid="committee-panel"' not in page.content.decode()
