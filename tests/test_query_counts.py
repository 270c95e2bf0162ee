"""Every list and detail page answers in a fixed number of queries, whatever the number of rows.

Each page is requested twice as the persona who uses it: in the test world, then after more rows of
what it lists were added. Both counts must equal the pinned figure; the comment beside it lists the
queries, so that a change to the count is a decision, not an accident. A page that starts to query per
row fails here with the statements it ran.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import audit
from core.testing.world import build_world

D = dt.date


@pytest.fixture
def world(db):
    return build_world(committee_history=True, notifications=True)


def more_units(w: Any, n: int) -> None:
    from orgs.models import Unit

    for i in range(n):
        Unit.objects.create(federation=w.fed_a, name=f"新建单位{i}", established_on=D(2015, 1, 1))


def more_people(w: Any, n: int) -> None:
    from orgs.models import Person

    for i in range(n):
        Person.objects.create(federation=w.fed_a, unit=w.unit_a1, name=f"人员{i}", phone=f"1390000{i:04d}")


def more_history(w: Any, n: int) -> None:
    from committees import services as s
    from committees.models import Committee

    c = Committee.objects.get(unit=w.unit_a1, dissolved_on__isnull=True)
    for i in range(n):
        seat = s.seat_assign(committee=c, role="member", holder_name=f"委员{i}", started_on=D(2013, 1, 1 + i))
        s.seat_vacate(seat=seat, vacated_on=D(2014, 1, 1 + i))


def more_accounts(w: Any, n: int) -> None:
    from accounts.models import User
    from accounts.services import role_grant
    from core.roles import Role

    for i in range(n):
        user = User.objects.create_user(
            username=f"extra{i}", password="Long-Passw0rd-x!", display_name=f"用户{i}"
        )
        role_grant(user=user, role=Role.VOLUNTEER, federation_id=w.fed_a.pk, acting_user=None)


def more_notifications(w: Any, n: int, persona: str = "staff") -> None:
    from core.models import Notification

    for i in range(n):
        Notification.objects.create(
            recipient=w.users[persona],
            federation_id=w.fed_a.pk,
            kind="test",
            title=f"提醒{i}",
            body="正文",
            url="/",
            dedup_key=f"test:{i}",
        )


def more_audit(w: Any, n: int) -> None:
    for i in range(n):
        audit.record(
            "export",
            object_type="orgs.Unit",
            object_id=str(i),
            object_repr=f"单位{i}",
            federation_id=w.fed_a.pk,
        )


def nothing(w: Any, n: int) -> None:
    return None


@dataclass(frozen=True)
class Page:
    name: str
    persona: str
    url: Callable[[Any], str]
    grow: Callable[[Any, int], None]
    queries: int


def unit_a1(path: str = "") -> Callable[[Any], str]:
    return lambda w: f"/orgs/units/{w.unit_a1.pk}/{path}"


# Every request of a logged-in user costs: the session, the user (with their role assignments and their
# person's unit as columns of the same row: the scope, accounts.scope.scope_columns) and, at the end, the
# menu's unread-notification count: "frame" below. The session is not saved by a read (it is renewed at
# most once a minute, core.sessions; a save would be savepoint, update, release).
PAGES = [
    # frame 3 + units (one page, successors joined) + the federation picker's names
    # + the pinyin key check of the search box's results
    Page("unit-list", "staff", lambda w: "/orgs/units/", more_units, 6),
    # frame 3 + the unit + its successor/predecessors + three "may view the unit" checks of the
    # panels + committee, terms, seats, vacancies (one query each, all rows) + the stand-in app's panel count
    Page("unit-detail", "staff", unit_a1(), more_history, 13),
    # frame 3 + the unit + federation + committees, terms, seats, vacancies, corrections
    # + the predecessor and successor units
    Page("unit-history", "liaison", lambda w: f"/committees/units/{w.unit_a1.pk}/history/", more_history, 11),
    # frame 3 + people (one page, units joined) + the count for the pager
    Page("person-list", "staff", lambda w: "/orgs/people/", more_people, 5),
    # frame 3 + the person with unit + the "may change" check
    Page("person-detail", "staff", lambda w: f"/orgs/people/{w.executive.person.pk}/", nothing, 5),
    # frame 3 + the sysadmin's second factor + accounts (one page) + their role assignments (one query)
    Page("user-list", "sysadmin", lambda w: "/accounts/users/", more_accounts, 7),
    # frame 3 + the second factor + the count for the pager + the ids of the page's revocable grants
    # + the accounts of the page (one query) + their assignments (one query)
    Page("role-list", "secadmin", lambda w: "/accounts/roles/", more_accounts, 8),
    # frame 3 + the unit + the volunteer's card (her profile, held lectures and approved other
    # service for her hours, the next five lectures, the orders waiting for her answer) + the staff to ask
    Page("home", "volunteer", lambda w: "/", lambda w, n: more_notifications(w, n, "volunteer"), 11),
    # frame 3 + notifications (one page) + the count + the unread count of the tabs
    Page("notifications", "staff", lambda w: "/notifications/", more_notifications, 6),
    # frame 3 + the auditor's second factor + events (one page) + the count + the action filter's choices
    # + the federation names of the page's events
    Page("audit-log", "auditor", lambda w: "/audit/", more_audit, 9),
    # frame 3 + the period's first dates (2) + the federation's deadlines + the rates and trend
    # from the rate summary (its years, its days) + the lists' lengths from it (years, days) + the first
    # units without a committee + the first overdue terms (running; ended later) + the first late vacancies
    # (the fill deadline, each part's ids, their rows) + the federation picker
    Page("dashboard", "staff", lambda w: "/dashboard/", more_units, 18),
    # frame 3 + the period's first dates (2) + the page's rows + the count for the pager
    # + the federation's name
    Page("dashboard-list", "staff", lambda w: "/dashboard/lists/no-committee/", more_units, 8),
    # frame 3 + the federation + its settings sections' reads
    Page("federation-settings", "staff", lambda w: f"/orgs/federations/{w.fed_a.pk}/settings/", nothing, 5),
]


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_the_page_answers_in_its_pinned_number_of_queries(world, client_as, page, settings):
    settings.SESSION_RENEW_INTERVAL = 3600  # the warm request renews the session; the measured ones do not
    client = client_as(world.users[page.persona])
    url = page.url(world)
    client.get(url)  # warm: the session and per-process caches are not the page's cost
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    with audit.acting_as(None, source="test"):
        page.grow(world, 12)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert (len(few), len(many)) == (page.queries, page.queries), "\n".join(
        q["sql"] for q in many.captured_queries
    )
