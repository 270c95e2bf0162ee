"""The reminder mechanism itself (core.reminders), with a producer of its own: audiences, idempotence,
resolution of what is no longer reported, a failing producer, and the refresh after a watched write."""

from __future__ import annotations

import datetime as dt

import pytest

from core.models import Notification
from core.notify import MemorySmsBackend
from core.reminders import (
    Audience,
    Notice,
    ReminderProducer,
    reminder_producers,
    run_reminders,
    watched_federation,
)
from core.roles import Role
from core.testing.commits import committed

pytestmark = pytest.mark.django_db
D = dt.date


class Shifts:
    """A producer as the duty roster will have: "your shift is tomorrow", while `due` holds the shift."""

    def __init__(self, world):
        self.world = world
        self.due: set[int] = set()
        self.fail = False

    def produce(self, today, federation_id=None):
        if self.fail:
            raise RuntimeError("roster unavailable")
        w = self.world
        return [
            Notice(
                key=f"shift:{n}",
                cause=f"shift:{n}",
                kind="shift_tomorrow",
                federation_id=w.fed_a.pk,
                title=f"明天值班 {n}",
                urgent=True,
                audience=Audience(
                    user_ids=frozenset({w.volunteer.pk}),
                    federation_roles=frozenset({Role.FEDERATION_STAFF}),
                    unit_id=w.unit_a1.pk,
                    unit_roles=frozenset({Role.UNIT_LIAISON}),
                ),
            )
            for n in sorted(self.due)
        ]


@pytest.fixture
def shifts(world):
    producer = Shifts(world)
    with reminder_producers.temporarily(
        "test.shifts",
        ReminderProducer(
            produce=producer.produce,
            kinds=frozenset({"shift_tomorrow"}),
            watches={"orgs.Community": "federation_id"},
        ),
    ):
        # Only this producer: the apps' rows in the test world remind (and resolve) of their own.
        with reminder_producers.only("test."):
            yield producer


def recipients(key):
    return set(Notification.objects.filter(dedup_key=key).values_list("recipient__username", flat=True))


def test_an_audience_is_named_users_federation_roles_and_a_units_roles(world, shifts, settings):
    settings.JINGUO_SMS_BACKEND = "core.notify.MemorySmsBackend"
    MemorySmsBackend.outbox.clear()
    for user in (world.volunteer, world.liaison, world.staff):
        user.person.phone = f"1380000{user.pk:04d}"
        user.person.save()
    shifts.due = {1}
    report = run_reminders(D(2026, 12, 1))
    # Named, the unit's liaison, and the staff of fed_a (also `dual`, staff here and liaison elsewhere).
    assert recipients("shift:1") == {"volunteer", "liaison", "staff", "dual"}
    assert Notification.objects.get(recipient=world.volunteer).cause == "shift:1"
    # Urgent: texted to those who must act (named, unit-bound), not to the federation's staff.
    assert report.sms_sent == 2 and len(MemorySmsBackend.outbox) == 2
    MemorySmsBackend.outbox.clear()


def test_what_is_no_longer_reported_is_resolved_and_comes_back_open(world, shifts):
    shifts.due = {1, 2}
    run_reminders(D(2026, 12, 1))
    shifts.due = {2}
    report = run_reminders(D(2026, 12, 2))
    assert report.resolved == 4 and report.notifications_created == 0
    assert not Notification.objects.filter(dedup_key="shift:1").open_reminders().exists()
    assert Notification.objects.filter(dedup_key="shift:2").open_reminders().count() == 4
    shifts.due = {1, 2}
    again = run_reminders(D(2026, 12, 3))
    assert again.reopened == 4 and again.notifications_created == 0


def test_a_failing_producer_resolves_nothing_of_its_own(world, shifts):
    shifts.due = {1}
    run_reminders(D(2026, 12, 1))
    shifts.fail = True
    report = run_reminders(D(2026, 12, 2))
    assert report.failed == ["test.shifts"] and report.resolved == 0
    assert Notification.objects.open_reminders().count() == 4


def test_plain_messages_are_never_resolved(world, shifts):
    Notification.objects.create(
        recipient=world.staff,
        federation_id=world.fed_a.pk,
        kind="shift_tomorrow",
        title="请注意",
        dedup_key="plain-1",
    )
    run_reminders(D(2026, 12, 1))
    assert Notification.objects.get(dedup_key="plain-1").resolved_at is None


def test_a_run_for_one_federation_resolves_only_there(world, shifts):
    shifts.due = {1}
    run_reminders(D(2026, 12, 1))
    shifts.due = set()
    assert run_reminders(D(2026, 12, 2), federation_id=world.fed_b.pk).resolved == 0
    assert run_reminders(D(2026, 12, 2), federation_id=world.fed_a.pk).resolved == 4


def test_a_write_to_a_watched_model_refreshes_its_federation_after_commit(world, shifts):
    shifts.due = {1}
    run_reminders(D(2026, 12, 1))
    shifts.due = set()
    assert watched_federation(type(world.comm_a1), world.comm_a1) == world.fed_a.pk
    assert watched_federation(type(world.unit_a1), world.unit_a1) in (
        None,
        world.fed_a.pk,
    )  # others may watch it
    with committed() as callbacks:
        world.comm_a1.street = "新街道"
        world.comm_a1.save()
        world.comm_a1.save()
    assert [c.jinguo_refresh_federation for c in callbacks] == [world.fed_a.pk]
    assert not Notification.objects.open_reminders().exists()


def test_the_bell_counts_open_reminders_and_unread_messages(world, shifts, client_as):
    shifts.due = {1}
    run_reminders(D(2026, 12, 1))
    Notification.objects.create(
        recipient=world.staff,
        federation_id=world.fed_a.pk,
        kind="note",
        title="已读消息",
        dedup_key="read-1",
        read_at=dt.datetime(2026, 12, 1, tzinfo=dt.UTC),
    )
    Notification.objects.create(
        recipient=world.staff,
        federation_id=world.fed_a.pk,
        kind="note",
        title="未读消息",
        dedup_key="unread-1",
    )
    client = client_as(world.staff)
    Notification.objects.filter(recipient=world.staff, cause="shift:1").update(
        read_at=dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    )
    assert (
        client.get("/notifications/").context["attention_count"] == 2
    )  # the read reminder and the unread message
    shifts.due = set()
    run_reminders(D(2026, 12, 2))
    page = client.get("/notifications/")
    assert page.context["attention_count"] == 1
    # What needs attention first, then the rest newest first (the resolved reminder among them).
    assert [n.title for n in page.context["items"]] == ["未读消息", "已读消息", "明天值班 1"]
    assert 'data-resolved="true"' in page.content.decode()


def test_a_notice_sent_before_reminders_had_causes_gets_its_cause_and_resolves(world, shifts):
    old = Notification.objects.create(
        recipient=world.volunteer,
        federation_id=world.fed_a.pk,
        kind="shift_tomorrow",
        title="明天值班 1",
        dedup_key="shift:1",
    )
    shifts.due = {1}
    run_reminders(D(2026, 12, 1))
    old.refresh_from_db()
    assert old.cause == "shift:1" and old.resolved_at is None
    shifts.due = set()
    run_reminders(D(2026, 12, 2))
    old.refresh_from_db()
    assert old.resolved_at is not None


def test_a_federation_has_at_most_one_refresh_waiting_for_the_worker(world, monkeypatch):
    """Writes queue the refresh in the background worker (a whole federation's run is far too long for a
    request at provincial scale); while one waits, more writes queue nothing, and once the worker has taken
    it the next write queues the next."""
    from huey.contrib.djhuey import HUEY

    from core import reminders
    from core.tasks import REFRESH_PENDING

    ran = []
    monkeypatch.setattr(reminders, "refresh_federation", lambda federation_id: ran.append(federation_id))
    key = REFRESH_PENDING.format(world.fed_a.pk)
    HUEY.put(key, "1")  # one is waiting
    try:
        reminders.queue_refresh(world.fed_a.pk)
        reminders.queue_refresh(world.fed_a.pk)
        assert ran == []
    finally:
        HUEY.get(key)  # the worker takes it
    reminders.queue_refresh(world.fed_a.pk)  # huey runs tasks at once in the tests (immediate mode)
    reminders.queue_refresh(world.fed_b.pk)
    assert ran == [world.fed_a.pk, world.fed_b.pk]
    assert HUEY.get(key) is None  # the run took its key: nothing is left waiting
