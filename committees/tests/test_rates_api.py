"""GET /api/v1/stats/rates and `manage.py rates`: same figures, scoped to the caller."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import ApiToken
from committees import api as rates_api
from committees import selectors
from committees import services as s
from committees.management.commands import rates as rates_command
from core import audit

D = dt.date
URL = "/api/v1/stats/rates"


@pytest.fixture
def history(world):
    """unit_a1: formed 2012, re-elected on time in 2017, one vacancy filled on time.
    unit_a2: no committee. unit_b1 (other federation): formed 2015."""
    with audit.acting_as(None, source="test"):
        c1 = s.committee_form(unit=world.unit_a1, formed_on=D(2012, 3, 8))
        s.term_reelect(committee=c1, started_on=D(2017, 3, 1))
        s.vacancy_record(committee=c1, role="member", vacated_on=D(2017, 4, 1), filled_on=D(2017, 5, 1))
        s.committee_form(unit=world.unit_b1, formed_on=D(2015, 1, 1))
    return world


def get(client, user, **params):
    _, raw = ApiToken.issue(user)
    return client.get(URL, params, HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_staff_get_their_federations_figures(client, history):
    response = get(client, history.staff, **{"from": "2017-01-01", "to": "2017-12-31"})
    assert response.status_code == 200, response.content
    assert response.json() == {
        "formation": {"numerator": 1, "denominator": 2, "rate": 0.5},
        "on_time_reelection": {"numerator": 1, "denominator": 1, "rate": 1.0},
        "vacancy_fill": {"numerator": 1, "denominator": 1, "rate": 1.0},
    }


def test_a_liaison_gets_only_their_own_unit(client, history):
    response = get(client, history.other_liaison, **{"from": "2017-01-01", "to": "2017-12-31"})
    assert response.status_code == 200
    assert response.json() == {
        "formation": {"numerator": 0, "denominator": 1, "rate": 0.0},
        "on_time_reelection": {"numerator": 0, "denominator": 0, "rate": None},
        "vacancy_fill": {"numerator": 0, "denominator": 0, "rate": None},
    }
    mine = get(client, history.liaison, **{"from": "2017-01-01", "to": "2017-12-31"}).json()
    assert mine["formation"] == {"numerator": 1, "denominator": 1, "rate": 1.0}


@pytest.mark.parametrize("persona", ["auditor", "sysadmin", "executive", "norole"])
def test_other_roles_are_forbidden(client, history, persona):
    response = get(client, getattr(history, persona), **{"from": "2017-01-01", "to": "2017-12-31"})
    assert response.status_code == 403


def test_anonymous_is_unauthorized(client, history):
    assert client.get(URL, {"from": "2017-01-01", "to": "2017-12-31"}).status_code == 401


@pytest.mark.parametrize(
    "params, message",
    [
        ({}, "请求参数有误：查询参数 from 为必填项；查询参数 to 为必填项。"),
        ({"from": "2017-01-01"}, "请求参数有误：查询参数 to 为必填项。"),
        ({"from": "", "to": "2017-12-31"}, rates_api.MSG_DATES_REQUIRED),
        ({"from": "2017-13-01", "to": "2017-12-31"}, rates_api.MSG_BAD_DATE),
        ({"from": "2017-01-01", "to": "yesterday"}, rates_api.MSG_BAD_DATE),
        ({"from": "2018-01-01", "to": "2017-12-31"}, rates_api.MSG_INVERTED),
    ],
)
def test_missing_bad_or_inverted_dates_are_422_in_chinese(client, history, params, message):
    response = get(client, history.staff, **params)
    assert response.status_code == 422
    assert response.json()["message"] == message


def test_rate_facts_take_a_constant_number_of_queries(history):
    selectors.rate_facts_for(history.staff)  # loads the scope once
    with CaptureQueriesContext(connection) as few:
        selectors.rate_facts_for(history.staff)
    for unit in (history.unit_a2,):
        s.committee_form(unit=unit, formed_on=D(2013, 1, 1))
    with CaptureQueriesContext(connection) as more:
        facts = selectors.rate_facts_for(history.staff)
    # units, committees, terms (with the successor's start as a subquery), vacancies
    assert len(few) == len(more) == 4, [q["sql"] for q in more]
    assert len(facts.units) == 2 and len(facts.terms) == 3


def test_dashboard_lists(history):
    s.committee_form(unit=history.unit_a2, formed_on=D(2013, 1, 1))
    c2 = selectors.rate_committees_for(history.staff).get(unit=history.unit_a2)
    s.vacancy_record(committee=c2, role="member", vacated_on=D(2017, 1, 1))
    assert list(selectors.units_without_committee(history.staff, D(2012, 12, 31))) == [history.unit_a2]
    assert list(selectors.units_without_committee(history.staff, D(2013, 1, 1))) == []
    overdue = selectors.overdue_committees(history.staff, D(2018, 1, 2))
    assert [(o.unit, o.term.number, o.days_overdue) for o in overdue] == [(history.unit_a2, 1, 1)]
    assert selectors.overdue_committees(history.staff, D(2018, 1, 1)) == []
    late = selectors.vacancies_past_deadline(history.staff, D(2017, 4, 2))
    assert [(v.committee.unit, v.deadline, v.days_past_deadline) for v in late] == [(history.unit_a2, D(2017, 4, 1), 1)]
    assert selectors.vacancies_past_deadline(history.staff, D(2017, 4, 1)) == []
    assert selectors.overdue_committees(history.liaison, D(2018, 1, 2)) == []


# ---- the command ------------------------------------------------------------------------------------

def run(*args):
    out = StringIO()
    call_command("rates", *args, stdout=out)
    return out.getvalue()


def test_command_prints_the_same_json(history):
    printed = json.loads(run("--from", "2017-01-01", "--to", "2017-12-31", "--json", "--federation", history.fed_a.name))
    assert printed == {
        "formation": {"numerator": 1, "denominator": 2, "rate": 0.5},
        "on_time_reelection": {"numerator": 1, "denominator": 1, "rate": 1.0},
        "vacancy_fill": {"numerator": 1, "denominator": 1, "rate": 1.0},
    }


def test_command_prints_a_chinese_table(history):
    text = run("--from", "2017-01-01", "--to", "2017-12-31", "--federation", history.fed_a.name)
    assert "组建率" in text and "50.0%" in text and "按时换届率" in text and "及时补缺率" in text


@pytest.mark.parametrize(
    "args, message",
    [
        (["--from", "2017-02-30", "--to", "2017-12-31"], "日期格式有误"),
        (["--from", "2018-01-01", "--to", "2017-12-31"], rates_command.MSG_INVERTED),
        (["--from", "2017-01-01", "--to", "2017-12-31"], rates_command.MSG_SEVERAL_FEDERATIONS),
        (["--from", "2017-01-01", "--to", "2017-12-31", "--federation", "没有"], "未找到妇联"),
    ],
)
def test_command_refuses_bad_input_in_chinese(history, args, message):
    with pytest.raises(CommandError, match=str(message)):
        run(*args)
