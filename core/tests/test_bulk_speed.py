"""The shortcuts the bulk paths take for speed give what the long way gives (core.dbinsert, core.textsort,
core.clock.one_day, core.auditvalues.snapshot)."""

from __future__ import annotations

import datetime as dt
import gc

import pytest
import time_machine
from pypinyin import Style, lazy_pinyin

from core import clock
from core.auditchain import _plain
from core.bulk import gc_paused
from core.textsort import pinyin_key

NAMES = ["区教育局", "长沙银行行长", "重庆市长寿区", "行长 Bank 行走", "乐 音乐 快乐", "ＡＢＣ公司", "女儿", "略",
         "  绿色 ", "㐀字", "第00001局", ""]


@pytest.mark.parametrize("name", NAMES)
def test_pinyin_key_is_pypinyins_lazy_pinyin(name):
    expected = " ".join(lazy_pinyin(name.strip(), style=Style.NORMAL, errors="default")).lower()[:200]
    assert pinyin_key(name) == expected
    assert pinyin_key(name) == expected  # again, from the held syllables


def test_one_day_holds_today_for_the_write_and_lets_go_after():
    with time_machine.travel(dt.datetime(2026, 3, 1, 23, 59, tzinfo=dt.UTC), tick=False) as traveller:
        start = clock.today()
        with clock.one_day() as day:
            assert day == start
            traveller.shift(dt.timedelta(days=2))
            assert clock.today() == start
        assert clock.today() == start + dt.timedelta(days=2)


def test_gc_paused_restores_the_collector():
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_chain_takes_plain_changes_as_they_are_and_converts_the_rest():
    plain = {"name": [None, "区教育局"], "count": [1, 2], "ok": [True, None]}
    assert _plain(plain) is plain
    assert _plain({"x": [1.0, (1, 2)]}) == {"x": [1, [1, 2]]}
    assert _plain({1: [None, 2]}) == {"1": [None, 2]}
    assert _plain({"x": [None, 2.5]}) == {"x": [None, 2.5]}


@pytest.mark.django_db
@pytest.mark.summary_unchecked  # core.bulk.insert writes units straight to the table
def test_insert_gives_what_bulk_create_gives():
    from core.bulk import insert, insert_values
    from orgs.models import Federation, Unit

    federation = Federation.objects.create(name="甲区妇联")
    rows = [Unit(federation=federation, name=f"区第{i}局", established_on=dt.date(2001, 1, 1 + i % 28),
                 female_staff_count=i, address="某路1号" if i % 2 else "") for i in range(2500)]
    insert(Unit, rows)
    assert all(u.pk for u in rows) and len({u.pk for u in rows}) == 2500
    stored = {u.pk: u for u in Unit.objects.filter(federation=federation)}
    for u in rows:
        assert (stored[u.pk].name, stored[u.pk].established_on, stored[u.pk].female_staff_count,
                stored[u.pk].address, stored[u.pk].name_pinyin) == (
            u.name, u.established_on, u.female_staff_count, u.address, pinyin_key(u.name))
    # Mixed value types in one column (an int in a text column) take the row-by-row way on PostgreSQL.
    insert_values(Unit, [{"federation_id": federation.pk, "name": "区甲局", "version": 1},
                         {"federation_id": federation.pk, "name": "区乙局", "address": 5, "version": 1}])
    assert Unit.objects.get(name="区乙局").address == "5"
