"""Reminders: who hears of which due term or open vacancy, and that nothing is ever sent twice."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from committees import services
from committees.models import Committee, Term, Vacancy
from core import audit
from core.models import Notification
from core.notify import MemorySmsBackend
from core.reminders import run_reminders
from core.tasks import daily_at
from core.testing.commits import committed

D = dt.date


@pytest.fixture(autouse=True)
def committees_reminders_only():
    """These tests count the committees' reminders; the other apps' rows in the test world remind of their own."""
    from core.reminders import reminder_producers

    with reminder_producers.only("committees."):
        yield


@pytest.fixture
def history(world):
    """unit_a1: committee with term 1 due 2026-12-31; an open vice-chair vacancy from 2026-03-01."""
    with audit.acting_as(None, source="test"):
        committee = Committee.objects.create(federation=world.fed_a, unit=world.unit_a1, formed_on=D(2021, 12, 31))
        term = Term.objects.create(
            federation=world.fed_a, committee=committee, number=1, started_on=D(2021, 12, 31), due_on=D(2026, 12, 31)
        )
        vacancy = Vacancy.objects.create(
            federation=world.fed_a, committee=committee, role="vice_chair", vacated_on=D(2026, 3, 1)
        )
    world.users["staff"].email = "staff@example.org"
    world.users["staff"].save()
    world.users["liaison"].email = "liaison@example.org"
    world.users["liaison"].save()
    return committee, term, vacancy


def keys_of(user):
    return set(Notification.objects.filter(recipient=user).values_list("dedup_key", flat=True))


def test_a_term_180_days_before_its_end_notifies_the_liaison_and_the_staff_once(world, history):
    _, term, vacancy = history
    day = D(2026, 7, 4)  # 180 days before 2026-12-31; the vacancy is 125 days open, past all of 90

    report = run_reminders(day)

    assert f"term-due-180:{term.pk}" in keys_of(world.liaison)
    assert f"term-due-180:{term.pk}" in keys_of(world.staff)
    assert f"vacancy-overdue:{vacancy.pk}" in keys_of(world.liaison)
    # Neither the other unit's liaison nor another federation hears of it.
    assert keys_of(world.other_liaison) == set()
    assert keys_of(world.outsider) == set()
    # Staff of fed_a hear of it, also the one who is besides a liaison in fed_b (`dual`, no address).
    assert keys_of(world.dual) == keys_of(world.staff)
    assert report.notifications_created == 6
    assert report.emails_sent == 4
    assert sorted(m.to[0] for m in mail.outbox) == ["liaison@example.org"] * 2 + ["staff@example.org"] * 2
    assert all(n.emailed_at for n in Notification.objects.exclude(recipient=world.dual))


def test_running_twice_on_the_same_day_sends_nothing_twice(world, history):
    run_reminders(D(2026, 7, 4))
    sent, stored = len(mail.outbox), Notification.objects.count()

    report = run_reminders(D(2026, 7, 4))

    assert report.notifications_created == 0
    assert report.emails_sent == 0
    assert len(mail.outbox) == sent
    assert Notification.objects.count() == stored


def test_each_threshold_is_announced_once_and_the_smallest_reached_wins(world, history):
    _, term, _ = history
    run_reminders(D(2026, 7, 4))  # 180
    run_reminders(D(2026, 7, 5))  # still 180: nothing new
    run_reminders(D(2026, 11, 1))  # 60 days left: the 90-day notice
    run_reminders(D(2026, 12, 31))  # due today: the 30-day notice
    run_reminders(D(2027, 1, 1))  # overdue
    term_keys = {k for k in keys_of(world.liaison) if k.startswith("term")}
    assert term_keys == {f"term-{k}:{term.pk}" for k in ("due-180", "due-90", "due-30", "overdue")}


def test_a_term_first_seen_50_days_before_its_end_gets_only_the_90_day_notice(world, history):
    _, term, _ = history
    run_reminders(D(2026, 11, 11))
    assert {k for k in keys_of(world.liaison) if k.startswith("term")} == {f"term-due-90:{term.pk}"}


def test_nothing_is_due_long_before_the_end_of_a_term(world, history):
    _, _, vacancy = history
    vacancy.filled_on = D(2026, 3, 20)
    with audit.acting_as(None, source="test"):
        vacancy.save()
    assert run_reminders(D(2026, 4, 1)).notices == []


def test_a_vacancy_past_half_of_its_deadline_then_past_all_of_it(world, history):
    _, _, vacancy = history  # vacated 2026-03-01, 90 days to fill
    run_reminders(D(2026, 4, 14))  # 44 days: not yet half
    assert not [k for k in keys_of(world.liaison) if k.startswith("vacancy")]
    run_reminders(D(2026, 4, 15))  # 45 days: half
    run_reminders(D(2026, 5, 30))  # 90 days: the deadline day itself is still in time
    assert {k for k in keys_of(world.liaison) if k.startswith("vacancy")} == {f"vacancy-half:{vacancy.pk}"}
    run_reminders(D(2026, 5, 31))
    assert {k for k in keys_of(world.liaison) if k.startswith("vacancy")} == {
        f"vacancy-half:{vacancy.pk}", f"vacancy-overdue:{vacancy.pk}"
    }


def test_the_federation_fill_deadline_is_used(world, history):
    _, _, vacancy = history
    world.fed_a.vacancy_fill_days = 30
    with audit.acting_as(None, source="test"):
        world.fed_a.save()
    run_reminders(D(2026, 4, 1))  # 31 days
    assert f"vacancy-overdue:{vacancy.pk}" in keys_of(world.staff)


def test_a_re_elected_term_is_not_overdue(world, history):
    committee, term, _ = history
    with audit.acting_as(None, source="test"):
        Term.objects.create(
            federation=world.fed_a, committee=committee, number=2, started_on=D(2026, 12, 20), due_on=D(2031, 12, 19)
        )
    run_reminders(D(2027, 1, 5))
    assert f"term-overdue:{term.pk}" not in keys_of(world.liaison)


def test_a_dissolved_committee_is_left_alone(world, history):
    committee, _, _ = history
    committee.dissolved_on = D(2026, 6, 1)
    with audit.acting_as(None, source="test"):
        committee.save()
    assert run_reminders(D(2027, 1, 5)).notices == []


def test_overdue_notices_text_the_liaison_through_the_sms_backend(world, history, settings):
    settings.JINGUO_SMS_BACKEND = "core.notify.MemorySmsBackend"
    MemorySmsBackend.outbox.clear()
    person = world.liaison.person
    person.phone = "13800001111"
    with audit.acting_as(None, source="test"):
        person.save()
    report = run_reminders(D(2027, 1, 5))
    assert report.sms_sent == 2  # overdue term and overdue vacancy, to the liaison only
    assert all(phone == "13800001111" for phone, _ in MemorySmsBackend.outbox)
    run_reminders(D(2027, 1, 5))
    assert len(MemorySmsBackend.outbox) == 2
    MemorySmsBackend.outbox.clear()


def test_users_without_an_address_get_the_in_app_notice_only(world, history):
    world.users["staff"].email = ""
    world.users["staff"].save()
    run_reminders(D(2026, 7, 4))
    assert Notification.objects.filter(recipient=world.staff, emailed_at__isnull=True).count() == 2
    assert {m.to[0] for m in mail.outbox} == {"liaison@example.org"}


def test_the_command_runs_for_a_given_day(world, history):
    out = StringIO()
    call_command("send_reminders", "--date", "2026-07-04", stdout=out)
    assert "新建站内通知 6 条" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("send_reminders", "--date", "2026-13-01")


def test_the_job_fires_at_seven_in_shanghai():
    at_seven = daily_at(7, 0, "Asia/Shanghai")
    # huey's default: naive UTC timestamps. 07:00 in Shanghai is 23:00 UTC the day before.
    assert at_seven(dt.datetime(2026, 7, 3, 23, 0))
    assert not at_seven(dt.datetime(2026, 7, 4, 7, 0))


def test_the_notifications_page_lists_them(world, history, client_as):
    run_reminders(D(2026, 7, 4))
    page = client_as(world.liaison).get("/notifications/")
    assert "区教育局妇委会第1届将于2026年12月31日届满" in page.content.decode()


def test_a_run_for_one_federation_in_app_only_sends_nothing_and_a_later_run_e_mails(world, history, settings):
    settings.JINGUO_SMS_BACKEND = "core.notify.MemorySmsBackend"
    MemorySmsBackend.outbox.clear()
    person = world.liaison.person
    person.phone = "13800001111"
    with audit.acting_as(None, source="test"):
        person.save()

    assert run_reminders(D(2027, 1, 5), federation_id=world.fed_b.pk).notices == []
    report = run_reminders(D(2027, 1, 5), federation_id=world.fed_a.pk, email=False, sms=False)

    assert report.notifications_created == 6 and report.emails_sent == report.sms_sent == 0
    assert mail.outbox == [] and MemorySmsBackend.outbox == []
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 6
    # The next ordinary run e-mails the notices (as after a failed send) and creates nothing new.
    again = run_reminders(D(2027, 1, 5))
    assert again.notifications_created == 0 and again.emails_sent == 4
    MemorySmsBackend.outbox.clear()


# ---- reminders that resolve ----------------------------------------------------------------------------


def open_keys(user):
    return set(Notification.objects.filter(recipient=user).open_reminders().values_list("dedup_key", flat=True))


def bell(client):
    return client.get("/notifications/").context["attention_count"]


@time_machine.travel(dt.datetime(2027, 1, 5, 9, 0), tick=False)
def test_a_reelection_resolves_the_overdue_reminder_at_once_and_the_bell_drops(world, history, client_as):
    committee, term, vacancy = history
    run_reminders(D(2027, 1, 5))
    assert open_keys(world.liaison) == {f"term-overdue:{term.pk}", f"vacancy-overdue:{vacancy.pk}"}
    client = client_as(world.liaison)
    client.post(f"/notifications/{Notification.objects.get(recipient=world.liaison, cause=f'term:{term.pk}').pk}/open/")
    assert bell(client) == 2  # read, but the term is still overdue: still counted

    with committed() as callbacks:
        services.term_reelect(committee=committee, started_on=D(2027, 1, 4), acting_user=world.liaison)
    assert len(callbacks) == 1  # one refresh for the whole re-election (a term, its end, its seats)

    assert open_keys(world.liaison) == {f"vacancy-overdue:{vacancy.pk}"}
    assert open_keys(world.staff) == {f"vacancy-overdue:{vacancy.pk}"}
    resolved = Notification.objects.get(recipient=world.liaison, dedup_key=f"term-overdue:{term.pk}")
    assert resolved.resolved_at is not None
    assert bell(client) == 1


@time_machine.travel(dt.datetime(2027, 1, 5, 9, 0), tick=False)
def test_a_fill_resolves_the_vacancy_reminder_at_once(world, history, client_as):
    _, term, vacancy = history
    run_reminders(D(2027, 1, 5))
    client = client_as(world.staff)
    assert bell(client) == 2
    with committed():
        services.vacancy_fill(vacancy=vacancy, filled_on=D(2027, 1, 5), acting_user=world.staff)
    assert open_keys(world.staff) == {f"term-overdue:{term.pk}"}
    assert bell(client) == 1
    page = client.get("/notifications/").content.decode()
    assert 'data-resolved="true"' in page and "已处理" in page


@time_machine.travel(dt.datetime(2027, 1, 5, 9, 0), tick=False)
def test_a_withdrawn_reelection_opens_the_overdue_reminder_again(world, history):
    committee, term, _ = history
    run_reminders(D(2027, 1, 5))
    with committed():
        second = services.term_reelect(committee=committee, started_on=D(2027, 1, 4))
    assert f"term-overdue:{term.pk}" not in open_keys(world.liaison)
    with committed():
        services.term_withdraw(term=second, reason="换届会议未举行")
    assert f"term-overdue:{term.pk}" in open_keys(world.liaison)
    assert Notification.objects.filter(dedup_key=f"term-overdue:{term.pk}").count() == 3  # reopened, not duplicated


def test_a_newer_threshold_supersedes_the_older_notice(world, history):
    _, term, _ = history
    run_reminders(D(2026, 7, 4))
    assert f"term-due-180:{term.pk}" in open_keys(world.liaison)
    report = run_reminders(D(2026, 11, 1))
    assert {k for k in open_keys(world.liaison) if k.startswith("term")} == {f"term-due-90:{term.pk}"}
    assert report.resolved >= 3  # the 180-day notice of the liaison, the staff and `dual`


@pytest.mark.summary_unchecked  # a vacancy filled by a raw update, as another system would
def test_the_daily_run_resolves_what_changed_without_the_platform(world, history):
    """A change the refresh did not see (a restore, a data fix) is caught the next morning."""
    _, _, vacancy = history
    run_reminders(D(2026, 7, 4))
    Vacancy.objects.filter(pk=vacancy.pk).update(filled_on=D(2026, 7, 4))
    run_reminders(D(2026, 7, 5))
    assert not {k for k in open_keys(world.liaison) if k.startswith("vacancy")}


def test_a_refresh_is_scheduled_once_per_transaction_and_federation(world, history):
    from django.db import transaction

    committee, _, _ = history
    with committed(run=False) as callbacks:
        with transaction.atomic(), audit.acting_as(None, source="test"):
            services.seat_vacate(seat=services.seat_assign(committee=committee, role="member", holder_name="甲",
                                                           started_on=D(2022, 1, 1)), vacated_on=D(2022, 2, 1))
            services.vacancy_record(committee=committee, role="member", vacated_on=D(2023, 1, 1))
            services.committee_form(unit=world.unit_b1, formed_on=D(2020, 1, 1))
    assert sorted(c.jinguo_refresh_federation for c in callbacks) == sorted([world.fed_a.pk, world.fed_b.pk])


def test_a_rolled_back_write_schedules_no_refresh_and_the_next_write_does(world, history):
    from django.db import transaction

    committee, _, _ = history
    with committed(run=False) as callbacks:
        with pytest.raises(ValidationError), transaction.atomic():
            services.vacancy_record(committee=committee, role="member", vacated_on=D(2023, 1, 1))
            raise ValidationError("refused after a write")
        assert callbacks == [] and not transaction.get_connection().run_on_commit
        services.vacancy_record(committee=committee, role="member", vacated_on=D(2023, 2, 1))
    assert [c.jinguo_refresh_federation for c in callbacks] == [world.fed_a.pk]


def test_every_part_counts_the_days_against_the_one_today(world, history, client_as, settings):
    """The demo fixes a date (JINGUO_TODAY): reminders, the panel, the dashboard and the home page all read it."""
    settings.JINGUO_TODAY = "2027-03-01"
    _, term, _ = history
    call_command("send_reminders", stdout=StringIO())
    days = (D(2027, 3, 1) - term.due_on).days
    overdue = Notification.objects.get(recipient=world.staff, dedup_key=f"term-overdue:{term.pk}")
    assert f"已超期{days}天" in overdue.body
    client = client_as(world.staff)
    assert f"超期服役 {days} 天" in client.get(f"/orgs/units/{world.unit_a1.pk}/").content.decode()
    dashboard = client.get("/dashboard/")
    assert [row.days_overdue for row in dashboard.context["data"].overdue.rows] == [days]
    assert "2027年3月1日" in client_as(world.volunteer).get("/").content.decode()


@time_machine.travel(dt.datetime(2026, 7, 4, 9, 0), tick=False)
def test_an_open_reminder_follows_a_corrected_date_and_the_day_count(world, history):
    _, _, vacancy = history
    run_reminders(D(2026, 7, 4))
    notice = Notification.objects.get(recipient=world.liaison, dedup_key=f"vacancy-overdue:{vacancy.pk}")
    assert "自2026年3月1日缺位，已125天" in notice.body
    with committed():
        services.vacancy_correct(vacancy=vacancy, vacated_on=D(2026, 2, 20), reason="日期录入有误")
    notice.refresh_from_db()
    assert "自2026年2月20日缺位，已134天" in notice.body and notice.resolved_at is None
    # A day later both notices count one more day (the term one day fewer), for the liaison, staff and dual.
    assert run_reminders(D(2026, 7, 5)).updated == 6
