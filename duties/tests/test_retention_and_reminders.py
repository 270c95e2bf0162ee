"""Reminders of suggestions' replies and referrals' follow-ups; the purge of hotline case contents at the
end of their retention (statistics kept, the purge audited)."""

import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command

from core import confidential
from core.models import AuditEvent, Notification
from core.reminders import run_reminders
from core.testing.world import build_world
from duties import services
from duties.models import CaseEntry, DutySettings, HotlineCase, Referral

SH = ZoneInfo("Asia/Shanghai")


def at(day: dt.date):
    return time_machine.travel(dt.datetime.combine(day, dt.time(12), tzinfo=SH), tick=False)


@pytest.fixture
def world(db):
    return build_world()


def kinds_of(user):
    return set(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def test_a_reply_due_within_a_week_is_reminded_to_the_lead_department_and_staff(world):
    due = world.suggestion_a.reply_due
    run_reminders(due - dt.timedelta(days=8))
    assert "suggestion_due" not in kinds_of(world.liaison)
    run_reminders(due - dt.timedelta(days=7))
    assert "suggestion_due" in kinds_of(world.liaison) and "suggestion_due" in kinds_of(world.staff)
    assert "suggestion_due" not in kinds_of(world.other_liaison)
    assert "suggestion_due" not in kinds_of(world.executive)


def test_an_overdue_reply_is_reminded_and_an_answer_resolves_it(world):
    due = world.suggestion_a.reply_due
    run_reminders(due + dt.timedelta(days=1))
    overdue = Notification.objects.get(recipient=world.liaison, kind="suggestion_overdue")
    assert "已超过答复期限" in overdue.title
    services.suggestion_answer(suggestion=world.suggestion_a, result="adopted", reply="已在政务中心增设。")
    run_reminders(due + dt.timedelta(days=2))
    overdue.refresh_from_db()
    assert overdue.resolved_at is not None


def test_a_referral_follow_up_is_reminded_to_the_taker_and_supervisors_without_contents(world):
    with confidential.system_scope("测试"):
        Referral.objects.filter(pk=world.referral_a.pk).update(follow_up_on=dt.date(2024, 4, 1))
    run_reminders(dt.date(2024, 3, 31))
    assert "referral_follow_up" not in kinds_of(world.executive)
    run_reminders(dt.date(2024, 4, 1))
    for user in (world.executive, world.supervisor):
        notice = Notification.objects.get(recipient=user, kind="referral_follow_up")
        assert f"#{world.case_a.pk}" in notice.title and "测试来电人" not in notice.title
    assert "referral_follow_up" not in kinds_of(world.staff)


def close_case(case, on: dt.date):
    with at(on), confidential.system_scope("测试"):
        services.case_move(case=HotlineCase.objects.get(pk=case.pk), transition="close")


def read(case_pk):
    """The case's fields as stored, decrypted (a plain namespace), and its entries' notes."""
    with confidential.system_scope("测试"), confidential.reading("测试"):
        case = HotlineCase.objects.get(pk=case_pk)
        names = [f.attname for f in HotlineCase._meta.concrete_fields]
        values = SimpleNamespace(**{n: getattr(case, n) for n in names}, pk=case.pk)
        return values, [e.notes for e in CaseEntry.objects.filter(case=case)]


def test_contents_are_purged_five_years_after_closing_statistics_kept(world):
    close_case(world.case_a, dt.date(2024, 3, 31))
    with at(dt.date(2029, 3, 30)):
        assert services.case_purge_expired() == 0
    with at(dt.date(2029, 3, 31)):
        assert services.case_purge_expired() == 1
    case, notes = read(world.case_a.pk)
    assert (case.caller_name, case.caller_phone, case.caller_address, case.narrative) == ("", "", "", "")
    assert case.masked_identity == "" and notes == [""] and case.purged_on == dt.date(2029, 3, 31)
    assert (case.category, case.urgent, case.received_on, case.status) == (
        "violence",
        True,
        dt.date(2024, 3, 8),
        "closed",
    )
    with confidential.system_scope("测试"):
        assert Referral.objects.filter(case_id=case.pk).count() == 1
        assert not HotlineCase.objects.by_phone("13800000000").filter(pk=case.pk).exists()
    entry = AuditEvent.objects.filter(action="duties.case_purge").order_by("-pk").first()
    assert "测试来电人" not in str(entry.changes) + entry.detail
    rows = AuditEvent.objects.filter(part_of=entry.pk, object_id=str(case.pk))
    assert rows.exists() and all("测试来电人" not in str(r.changes) for r in rows)
    # Open cases and the other federation's (not closed) are untouched; a second run purges nothing.
    with at(dt.date(2029, 4, 1)):
        assert services.case_purge_expired() == 0
    assert read(world.case_b.pk)[0].narrative.startswith("测试情况")


def test_a_purged_case_cannot_be_reopened(world):
    close_case(world.case_a, dt.date(2024, 3, 31))
    with at(dt.date(2030, 1, 1)):
        services.case_purge_expired()
        with confidential.system_scope("测试"), pytest.raises(ValidationError) as refusal:
            services.case_move(
                case=HotlineCase.objects.get(pk=world.case_a.pk), transition="reopen", reason="x"
            )
    assert refusal.value.code == "case_purged"


def test_the_retention_is_per_federation(world):
    DutySettings.objects.create(federation=world.fed_a, case_retention_years=10)
    close_case(world.case_a, dt.date(2024, 3, 31))
    close_case(world.case_b, dt.date(2024, 3, 31))
    with at(dt.date(2030, 1, 1)):
        assert services.case_purge_expired() == 1
    assert read(world.case_a.pk)[0].purged_on is None
    assert read(world.case_b.pk)[0].purged_on == dt.date(2030, 1, 1)


def test_the_command_purges(world, capsys):
    close_case(world.case_a, dt.date(2020, 1, 1))
    with at(dt.date(2026, 1, 1)):
        call_command("purge_cases")
    assert "1 件" in capsys.readouterr().out
    assert read(world.case_a.pk)[0].purged_on == dt.date(2026, 1, 1)


def test_the_nightly_job_purges(world):
    from duties.tasks import purge_expired_cases

    close_case(world.case_a, dt.date(2020, 1, 1))
    with at(dt.date(2026, 1, 1)):
        purge_expired_cases.call_local()
    assert read(world.case_a.pk)[0].purged_on == dt.date(2026, 1, 1)
