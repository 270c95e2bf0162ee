"""One business action is one entry of the audit log (core.audit.action), expandable to its rows."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from committees import services as committees
from core import audit
from core.models import AuditEvent
from orgs import services as orgs

pytestmark = pytest.mark.django_db

D = dt.date


def _committee(world):
    unit = orgs.unit_create(federation=world.fed_a, name="区审计测试局", established_on=D(2010, 1, 1))
    committee = committees.committee_form(unit=unit, formed_on=D(2015, 3, 1))
    committees.seat_assign(committee=committee, role="chair", holder_name="王芳", started_on=D(2015, 3, 1))
    committees.seat_assign(committee=committee, role="member", holder_name="李娜", started_on=D(2015, 3, 1))
    return committee


def test_a_re_election_writes_one_action_entry_with_its_rows(world):
    committee = _committee(world)
    before = AuditEvent.objects.count()
    with audit.acting_as(world.staff, ip="10.1.2.3", source="web"):
        committees.term_reelect(committee=committee, started_on=D(2020, 3, 1))
    new = list(AuditEvent.objects.filter(pk__gt=0).order_by("id"))[before:]
    entries = [e for e in new if e.part_of is None]
    assert len(entries) == 1
    entry = entries[0]
    assert entry.action == "committees.term_reelect"
    assert (entry.object_type, entry.object_id) == ("committees.committee", str(committee.pk))
    assert entry.federation_id == world.fed_a.pk and entry.actor_name == "staff"
    rows = [e for e in new if e.part_of == entry.pk]
    # the old term ends, the new one starts, two seats end and two continue
    assert sorted((r.action, r.object_type) for r in rows) == sorted(
        [
            ("update", "committees.term"),
            ("create", "committees.term"),
            ("update", "committees.seat"),
            ("update", "committees.seat"),
            ("create", "committees.seat"),
            ("create", "committees.seat"),
        ]
    )
    assert len(new) == 1 + len(rows)


def test_the_auditor_finds_the_re_election_by_its_chinese_name_and_expands_it(world, client_as):
    committee = _committee(world)
    committees.term_reelect(committee=committee, started_on=D(2020, 3, 1))
    entry = AuditEvent.objects.get(action="committees.term_reelect")
    client = client_as(world.auditor)
    resp = client.get("/audit/?q=%E6%8D%A2%E5%B1%8A")  # q=换届
    listed = [row["event"].pk for row in resp.context["events"]]
    # The newest match; the test world's other rows (a template item "按时换届") may match too.
    assert listed[0] == entry.pk
    before = AuditEvent.objects.filter(pk__lt=entry.pk, action="committees.term_reelect")
    assert not before.exists()
    body = resp.content.decode()
    assert "换届" in body and "6 条记录" in body
    # The rows are not entries of their own on the list.
    all_listed = [row["event"].pk for row in client.get("/audit/").context["events"]]
    assert entry.pk in all_listed
    assert not AuditEvent.objects.filter(part_of=entry.pk, pk__in=all_listed).exists()
    # Filtering by a row's object type finds the action it is part of.
    by_type = client.get("/audit/?object_type=committees.seat").context["events"]
    assert entry.pk in [row["event"].pk for row in by_type]
    # Expanded in place (HTMX), and on the entry's own page.
    fragment = client.get(f"/audit/{entry.pk}/?rows=1", headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and fragment.content.decode().count("<li") == 6
    page = client.get(f"/audit/{entry.pk}/")
    assert len(page.context["rows"]) == 6 and page.context["rows_total"] == 6
    row = AuditEvent.objects.filter(part_of=entry.pk).first()
    assert client.get(f"/audit/{row.pk}/").context["parent"].pk == entry.pk


def test_an_action_inside_another_joins_the_outermost(world):
    committee = _committee(world)
    mark = AuditEvent.objects.order_by("-id").first().pk
    with audit.action("test.outer", target=committee):
        committees.term_reelect(committee=committee, started_on=D(2020, 3, 1))
        committees.seat_assign(
            committee=committee, role="member", holder_name="赵敏", started_on=D(2020, 4, 1)
        )
    outer = AuditEvent.objects.get(action="test.outer")
    assert not AuditEvent.objects.filter(
        pk__gt=mark, action__in=["committees.term_reelect", "committees.seat_assign"]
    ).exists()
    assert AuditEvent.objects.filter(part_of=outer.pk).count() == 7


def test_a_unit_dissolution_groups_the_committee_it_ends(world):
    committee = _committee(world)
    orgs.unit_dissolve(unit=committee.unit, dissolved_on=D(2021, 1, 1))
    entry = AuditEvent.objects.get(action="orgs.unit_dissolve")
    types = set(AuditEvent.objects.filter(part_of=entry.pk).values_list("object_type", flat=True))
    assert {"orgs.unit", "committees.committee", "committees.term", "committees.seat"} <= types


def test_a_refused_action_leaves_no_entry(world):
    committee = _committee(world)
    count = AuditEvent.objects.count()
    with pytest.raises(ValidationError):
        committees.term_reelect(committee=committee, started_on=D(2010, 1, 1))
    assert AuditEvent.objects.count() == count


def test_an_action_without_a_target_is_about_its_first_row_and_writes_nothing_when_nothing_changes(world):
    unit = orgs.unit_create(federation=world.fed_a, name="区妇幼保健院")
    entry = AuditEvent.objects.get(action="orgs.unit_create")
    assert (entry.object_type, entry.object_id, entry.object_repr) == (
        "orgs.unit",
        str(unit.pk),
        "区妇幼保健院",
    )
    count = AuditEvent.objects.count()
    with audit.action("test.nothing"):
        pass
    assert AuditEvent.objects.count() == count


def test_a_bulk_path_groups_every_row_under_one_entry(world):
    units = orgs.unit_bulk_create(
        federation=world.fed_a, units=[(i, {"name": f"批量单位{i}"}) for i in range(5)]
    )
    entry = AuditEvent.objects.get(action="orgs.unit_bulk_create")
    assert AuditEvent.objects.filter(part_of=entry.pk, action="create").count() == len(units) == 5


# An action named after another function mislabels every write of the one it decorates (a service
# inserted between a decorator and its function once did that); the only deliberate difference is listed.
ACTION_NAMED_APART = {"duties.case_purge": "case_purge_expired"}


def test_every_decorated_service_is_the_action_it_is_named_after():
    import importlib
    import pkgutil

    from django.apps import apps
    from django.conf import settings

    checked = 0
    for config in apps.get_app_configs():
        if not config.path.startswith(str(settings.BASE_DIR)) or "site-packages" in config.path:
            continue
        for info in pkgutil.walk_packages([config.path], prefix=f"{config.name}."):
            if ".tests" in info.name or ".migrations" in info.name:
                continue
            module = importlib.import_module(info.name)
            for attr, value in vars(module).items():
                name = getattr(value, "audit_action", None)
                if not isinstance(name, str) or getattr(value, "__module__", None) != module.__name__:
                    continue
                checked += 1
                expected = ACTION_NAMED_APART.get(name, name.rsplit(".", 1)[-1])
                assert value.__name__ == expected == attr, f"{info.name}.{attr} is decorated as {name}"
    assert checked >= 20
