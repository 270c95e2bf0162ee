"""Reminders of the self-inspection: forms not submitted as the deadline nears and after it (the unit's
liaison, and the staff once per cycle), overdue rectification items; each resolved when its cause goes."""

import datetime as dt

import pytest

from assessment import services
from assessment.models import Rectification, SelfCheck
from assessment.tests.test_cycles import fill_all
from core.models import Notification
from core.reminders import run_reminders
from core.testing.world import build_world


@pytest.fixture
def world(db):
    return build_world(committee_history=True)


def form_a1(world):
    return SelfCheck.objects.get(cycle=world.cycle_a, unit=world.unit_a1)


def open_of(user, kind):
    return Notification.objects.filter(recipient=user, kind=kind, resolved_at__isnull=True)


def test_a_form_not_submitted_is_reminded_a_week_before_the_deadline(world):
    deadline = world.cycle_a.deadline
    run_reminders(deadline - dt.timedelta(days=8), email=False, sms=False)
    assert not open_of(world.liaison, "selfcheck_due").exists()
    run_reminders(deadline - dt.timedelta(days=7), email=False, sms=False)
    due = open_of(world.liaison, "selfcheck_due").get(cause=f"selfcheck:{form_a1(world).pk}")
    assert "截止提交" in due.title and "还有7天" in due.body
    assert not open_of(world.other_liaison, "selfcheck_due").filter(cause=due.cause).exists()
    # The staff are not told of each unit before the deadline.
    assert not open_of(world.staff, "selfcheck_due").exists()
    # Run again the next day: still one reminder (one dedup key per form and deadline).
    run_reminders(deadline - dt.timedelta(days=6), email=False, sms=False)
    assert Notification.objects.filter(recipient=world.liaison, cause=due.cause).count() == 1
    fill_all(form_a1(world))
    services.selfcheck_submit(selfcheck=form_a1(world))
    run_reminders(deadline - dt.timedelta(days=5), email=False, sms=False)
    due.refresh_from_db()
    assert due.resolved_at is not None


def test_a_late_form_is_reminded_to_its_unit_and_counted_once_for_the_staff(world):
    deadline = world.cycle_a.deadline
    after = deadline + dt.timedelta(days=3)
    run_reminders(after, email=False, sms=False)
    late = open_of(world.liaison, "selfcheck_late").get(cause=f"selfcheck:{form_a1(world).pk}")
    assert "逾期未提交" in late.title and "已逾期3天" in late.body
    # The week-before reminder is superseded by the late one.
    assert not open_of(world.liaison, "selfcheck_due").exists()
    n_forms = SelfCheck.objects.filter(cycle=world.cycle_a).count()
    staff = open_of(world.staff, "cycle_late").get()
    assert f"{n_forms} 个单位逾期未提交" in staff.title and world.unit_a1.name in staff.body
    assert not open_of(world.staff, "selfcheck_late").exists()
    # Fed B's liaison hears of her own form only, and nothing of fed A's cycle.
    b1 = SelfCheck.objects.get(cycle=world.cycle_b, unit=world.unit_b1)
    assert set(open_of(world.outsider, "selfcheck_late").values_list("cause", flat=True)) == {
        f"selfcheck:{b1.pk}"
    }
    assert not open_of(world.outsider, "cycle_late").exists()

    fill_all(form_a1(world))
    services.selfcheck_submit(selfcheck=form_a1(world))
    run_reminders(after + dt.timedelta(days=1), email=False, sms=False)
    late.refresh_from_db()
    staff.refresh_from_db()
    assert late.resolved_at is not None
    # The staff's notice stays open and now counts one unit fewer.
    assert staff.resolved_at is None and f"{n_forms - 1} 个单位" in staff.title

    # Returned after the deadline: late again.
    services.selfcheck_return(selfcheck=form_a1(world), comment="请补充佐证材料")
    run_reminders(after + dt.timedelta(days=2), email=False, sms=False)
    late.refresh_from_db()
    assert late.resolved_at is None


def test_closing_the_cycle_or_moving_the_deadline_resolves_the_late_reminders(world):
    deadline = world.cycle_a.deadline
    after = deadline + dt.timedelta(days=1)
    run_reminders(after, email=False, sms=False)
    late = open_of(world.liaison, "selfcheck_late").get()
    type(world.cycle_a).objects.filter(pk=world.cycle_a.pk).update(deadline=after + dt.timedelta(days=20))
    run_reminders(after, email=False, sms=False)
    late.refresh_from_db()
    assert late.resolved_at is not None and not open_of(world.liaison, "selfcheck_late").exists()
    type(world.cycle_a).objects.filter(pk=world.cycle_a.pk).update(deadline=deadline, status="closed")
    run_reminders(after, email=False, sms=False)
    assert not open_of(world.liaison, "selfcheck_late").exists()
    assert not open_of(world.staff, "cycle_late").exists()


def test_an_overdue_rectification_is_reminded_and_closing_it_resolves_the_reminder(world):
    r = Rectification.objects.get(selfcheck=form_a1(world), item__number=2)
    run_reminders(r.deadline, email=False, sms=False)
    assert not open_of(world.liaison, "rectification_overdue").exists()
    run_reminders(r.deadline + dt.timedelta(days=1), email=False, sms=False)
    overdue = open_of(world.liaison, "rectification_overdue").get(cause=f"rectification:{r.pk}")
    assert "已超过期限" in overdue.title
    assert not open_of(world.other_liaison, "rectification_overdue").filter(cause=overdue.cause).exists()
    services.rectification_close(rectification=r, note="已完成换届选举")
    run_reminders(r.deadline + dt.timedelta(days=2), email=False, sms=False)
    overdue.refresh_from_db()
    assert overdue.resolved_at is not None
