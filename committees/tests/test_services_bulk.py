"""The bulk paths of the services (used by the ledger import) apply the same rules as the row-by-row
services, refuse with the same messages, write nothing when any item is refused, and leave the same
history and audit trail."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from committees import services as s
from committees.models import Committee, Seat, Term, Vacancy
from core import audit
from core.bulk import BulkRefused
from core.models import AuditEvent, ConcurrentEditError
from orgs import services as orgs_services
from orgs.models import Unit

D = dt.date


@pytest.fixture(autouse=True)
def as_system():
    with audit.acting_as(None, source="test"):
        yield


def single_refusal(call) -> list[str]:
    with pytest.raises(ValidationError) as refused:
        call()
    return refused.value.messages


def bulk_refusal(call) -> list[tuple[object, list[str]]]:
    with pytest.raises(BulkRefused) as refused:
        call()
    return [(key, error.messages) for key, error in refused.value.refusals]


def unit(world, name, **fields):
    return Unit.objects.create(federation=world.fed_a, name=name, **fields)


def test_forming_a_committee_refuses_alike(world):
    u = unit(world, "区审计局", established_on=D(2010, 1, 1))
    one = single_refusal(lambda: s.committee_form(unit=u, formed_on=D(2009, 1, 1)))
    many = bulk_refusal(lambda: s.committee_bulk_form(federation=world.fed_a, entries=[
        ("k", s.CommitteeHistory(u, D(2009, 1, 1), [s.TermDates(1, D(2009, 1, 1), D(2014, 1, 1))]))]))
    assert one == [s.MSG_FORMED_BEFORE_UNIT] and many == [("k", one)]
    s.committee_form(unit=u, formed_on=D(2011, 1, 1))
    assert bulk_refusal(lambda: s.committee_bulk_form(federation=world.fed_a, entries=[
        ("again", s.CommitteeHistory(u, D(2012, 1, 1)))])) == [("again", [s.MSG_SECOND_ACTIVE_COMMITTEE])]


def test_a_history_is_checked_as_its_events_would_be_and_written_whole(world):
    u = unit(world, "区审计局", established_on=D(2000, 1, 1))
    bad = s.CommitteeHistory(u, D(2005, 1, 1), [s.TermDates(1, D(2005, 6, 1), D(2010, 6, 1)),
                                                 s.TermDates(2, D(2005, 3, 1), D(2010, 3, 1))])
    good = s.CommitteeHistory(unit(world, "区统计局"), D(2006, 1, 1), [s.TermDates(1, D(2006, 1, 1), D(2011, 1, 1))])
    refused = bulk_refusal(lambda: s.committee_bulk_form(federation=world.fed_a, entries=[("good", good), ("bad", bad)]))
    # 第2届 elected before 第1届 is refused as term_reelect refuses it; the good item is not written either.
    assert refused == [("bad", [s.MSG_TERM_BEFORE_PREVIOUS])] and not Committee.objects.exists()

    history = s.CommitteeHistory(u, D(2005, 1, 1), [s.TermDates(1, D(2005, 1, 1), D(2010, 1, 1)),
                                                     s.TermDates(2, D(2010, 3, 1), D(2015, 3, 1))], D(2012, 1, 1))
    committee = s.committee_bulk_form(federation=world.fed_a, entries=[("k", history)])["k"]
    terms = list(Term.objects.filter(committee=committee).order_by("number").values_list("number", "ended_on"))
    # Each term ends when the next is elected, the last with the dissolution: as the services chain them.
    assert terms == [(1, D(2010, 3, 1)), (2, D(2012, 1, 1))]
    assert Committee.objects.get(pk=committee.pk).dissolved_on == D(2012, 1, 1)
    assert AuditEvent.objects.filter(action="create", object_type="committees.term").count() == 2


def twin_committees(world):
    """Two committees with the same history and the same open seats."""
    out = []
    for name in ("区甲局", "区乙局"):
        c = s.committee_form(unit=unit(world, name, established_on=D(2000, 1, 1)), formed_on=D(2010, 1, 1))
        s.seat_assign(committee=c, role="chair", holder_name="王芳", started_on=D(2010, 1, 1))
        s.seat_assign(committee=c, role="member", holder_name="李丽", started_on=D(2011, 1, 1))
        out.append(Committee.objects.get(pk=c.pk))
    return out


def history_of(committee):
    return {
        "terms": list(Term.objects.filter(committee=committee).order_by("number").values_list(
            "number", "started_on", "due_on", "ended_on")),
        "seats": sorted(Seat.objects.filter(committee=committee).values_list(
            "role", "holder_name", "started_on", "ended_on", "term__number")),
    }


def test_a_bulk_reelection_leaves_the_history_term_reelect_leaves(world):
    one, many = twin_committees(world)
    s.term_reelect(committee=one, started_on=D(2015, 1, 1), due_on=D(2020, 1, 1))
    s.term_bulk_reelect(federation=world.fed_a, entries=[("k", many, D(2015, 1, 1), D(2020, 1, 1))])
    assert history_of(one) == history_of(many)
    # Two re-elections of one committee in one call follow each other.
    s.term_reelect(committee=one, started_on=D(2020, 1, 1), due_on=D(2025, 1, 1))
    s.term_reelect(committee=one, started_on=D(2025, 1, 1), due_on=D(2030, 1, 1))
    s.term_bulk_reelect(federation=world.fed_a, entries=[("a", many, D(2020, 1, 1), D(2025, 1, 1)),
                                                          ("b", many, D(2025, 1, 1), D(2030, 1, 1))])
    assert history_of(one) == history_of(many)


def test_a_bulk_reelection_refuses_alike(world):
    one, many = twin_committees(world)
    for committee in (one, many):
        s.committee_dissolve(committee=committee, dissolved_on=D(2014, 1, 1))
    one, many = (Committee.objects.get(pk=c.pk) for c in (one, many))
    refused = single_refusal(lambda: s.term_reelect(committee=one, started_on=D(2013, 1, 1)))
    assert refused == [s.MSG_COMMITTEE_DISSOLVED]
    assert bulk_refusal(lambda: s.term_bulk_reelect(federation=world.fed_a, entries=[
        ("k", many, D(2013, 1, 1), D(2018, 1, 1))])) == [("k", refused)]


def test_a_bulk_dissolution_leaves_the_history_committee_dissolve_leaves(world):
    one, many = twin_committees(world)
    s.committee_dissolve(committee=one, dissolved_on=D(2013, 5, 1))
    s.committee_bulk_dissolve(federation=world.fed_a, entries=[("k", many, D(2013, 5, 1))])
    assert history_of(one) == history_of(many)
    one, many = (Committee.objects.get(pk=c.pk) for c in (one, many))
    assert one.dissolved_on == many.dissolved_on == D(2013, 5, 1) and one.version == many.version


def test_vacancies_are_recorded_and_filled_with_the_same_rules(world):
    one, many = twin_committees(world)
    for c in (one, many):
        s.committee_dissolve(committee=c, dissolved_on=D(2014, 1, 1))
    one, many = (Committee.objects.get(pk=c.pk) for c in (one, many))
    after = single_refusal(lambda: s.vacancy_record(committee=one, role="member", vacated_on=D(2015, 1, 1)))
    assert after == [s.MSG_DATE_AFTER_DISSOLVED]
    assert bulk_refusal(lambda: s.vacancy_bulk_record(federation=world.fed_a, entries=[
        ("k", many, "member", D(2015, 1, 1), None)])) == [("k", after)]
    assert bulk_refusal(lambda: s.vacancy_bulk_record(federation=world.fed_a, entries=[
        ("role", many, "secretary", D(2012, 1, 1), None)])) == [("role", [s.MSG_BAD_ROLE])]
    [vacancy] = s.vacancy_bulk_record(federation=world.fed_a, entries=[("k", many, "member", D(2012, 1, 1), None)])
    s.vacancy_bulk_fill(federation=world.fed_a, entries=[("k", vacancy, D(2012, 3, 1))])
    filled = Vacancy.objects.get(pk=vacancy.pk)
    assert filled.filled_on == D(2012, 3, 1) and filled.version == 2
    twice = single_refusal(lambda: s.vacancy_fill(vacancy=filled, filled_on=D(2012, 4, 1)))
    assert twice == [s.MSG_VACANCY_ALREADY_FILLED]
    assert bulk_refusal(lambda: s.vacancy_bulk_fill(federation=world.fed_a, entries=[
        ("k", filled, D(2012, 4, 1))])) == [("k", twice)]


def test_units_in_bulk_follow_unit_create(world):
    orgs_services.unit_create(federation=world.fed_a, name="区 妇 幼 保健院")
    refused = single_refusal(lambda: orgs_services.unit_create(federation=world.fed_a, name="区妇幼保健院"))
    assert refused == [orgs_services.MSG_UNIT_NAME_TAKEN]
    assert bulk_refusal(lambda: orgs_services.unit_bulk_create(federation=world.fed_a, units=[
        ("k", {"name": "区妇幼 保健院"}), ("blank", {"name": "  "}), ("long", {"name": "局" * 101}),
    ])) == [("k", refused), ("blank", [orgs_services.MSG_UNIT_NAME_REQUIRED]),
            ("long", [orgs_services.MSG_UNIT_TEXT_TOO_LONG.format(field="单位名称", limit=100, length=101)])]
    created = orgs_services.unit_bulk_create(federation=world.fed_a, units=[("k", {"name": " 区 档案 馆 "})])
    assert created["k"].name == "区档案馆" and created["k"].name_pinyin


def test_a_bulk_update_refuses_a_stale_unit_and_keeps_derived_columns(world):
    stale = Unit.objects.get(pk=world.unit_a1.pk)
    fresh = Unit.objects.get(pk=world.unit_a1.pk)
    fresh.notes = "另一位同事改过"
    fresh.save()
    with pytest.raises(ConcurrentEditError):
        orgs_services.unit_bulk_update(federation=world.fed_a, changes=[("k", stale, {"address": "新地址"})])
    assert Unit.objects.get(pk=world.unit_a1.pk).notes == "另一位同事改过"
    current = Unit.objects.get(pk=world.unit_a1.pk)
    orgs_services.unit_bulk_update(federation=world.fed_a, changes=[("k", current, {"name": "区教育和体育局"})])
    renamed = Unit.objects.get(pk=world.unit_a1.pk)
    assert renamed.version == current.version and renamed.name_pinyin.startswith("qu")
    event = AuditEvent.objects.filter(action="update", object_type="orgs.unit").latest("id")
    assert event.changes["name"] == ["区教育局", "区教育和体育局"]
    # A successor must be another living unit of the federation, as unit_dissolve requires.
    assert bulk_refusal(lambda: orgs_services.unit_bulk_update(federation=world.fed_a, changes=[
        ("self", renamed, {"dissolved_on": D(2020, 1, 1), "successor": renamed})])) == [
        ("self", [orgs_services.MSG_BAD_SUCCESSOR])]
