"""core.jobs: background jobs run, report progress, end honestly when their worker dies, can be retried,
are seen only by whom they belong to, and their polling does not keep a session alive."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from committees.ledger.jobs import EXPORT
from core import jobs
from core.jobs import Job, JobKind, JobRun, Outcome
from core.testing.world import login

ECHO = "core.test_echo"
CALLS: list[dict] = []


def echo(run: JobRun) -> Outcome:
    """A test kind: reports progress, fails on demand, writes a small file."""
    CALLS.append({"attempt": run.attempt, "progress_seen": None})
    run.progress(50, "一半了")
    CALLS[-1]["progress_seen"] = Job.objects.values_list("progress", "message").get(pk=run.job.pk)
    if run.job.params.get("crash_on") == run.attempt:
        raise RuntimeError("boom")
    run.output().write(b"result bytes")
    return Outcome(Job.Status.SUCCEEDED, "完成", {"answer": 42}, result_name="结果.txt")


jobs.register(JobKind(name=ECHO, title="测试任务", run=echo))


@pytest.fixture(autouse=True)
def _calls():
    CALLS.clear()


@pytest.fixture
def started(world, django_capture_on_commit_callbacks):
    def start(**params):
        with django_capture_on_commit_callbacks(execute=True):
            job = jobs.start(
                kind=ECHO, owner=world.staff, federation_id=world.fed_a.pk, label="测试", params=params
            )
        job.refresh_from_db()
        return job

    return start


def test_a_job_runs_reports_progress_and_offers_its_result(world, client, started):
    job = started()
    assert job.status == Job.Status.SUCCEEDED and job.progress == 100 and job.result == {"answer": 42}
    assert job.attempts == 1 and job.finished_at is not None
    # While it ran, its progress and message were in the database for the page to poll.
    assert CALLS[0]["progress_seen"] == (50, "一半了")
    login(client, world.staff)
    page = client.get(reverse("job", args=[job.pk]))
    assert page.status_code == 200 and "完成" in page.text and "hx-trigger" not in page.text
    download = client.get(reverse("job-download", args=[job.pk]))
    assert b"".join(download.streaming_content) == b"result bytes"
    assert (
        "no-store" in download["Cache-Control"]
        and "filename*=UTF-8''%E7%BB%93%E6%9E%9C.txt" in download["Content-Disposition"]
    )


def test_a_job_is_its_owners(world, client, started):
    job = started()
    for persona in ("liaison", "outsider", "auditor"):
        client.logout()
        login(client, world.users[persona])
        for name in ("job", "job-status", "job-download", "job-retry"):
            assert client.get(reverse(name, args=[job.pk])).status_code == 404


def test_an_export_is_its_owners_while_they_are_staff_there(world, client):
    from accounts.models import RoleAssignment, User
    from accounts.services import role_grant
    from core.roles import Role
    from core.scoping import forget_scope

    export = Job.objects.create(
        kind=EXPORT, owner=world.staff, federation_id=world.fed_a.pk, status=Job.Status.SUCCEEDED
    )
    colleague = User.objects.create_user(username="colleague", password="x", federation=world.fed_a)
    role_grant(user=colleague, role=Role.FEDERATION_STAFF, federation_id=world.fed_a.pk)
    exports = Job.objects.filter(kind=EXPORT)
    assert list(exports.visible_to(world.staff)) == [export]
    # Not shared: another staff member of the same federation does not see it, nor does anyone else.
    assert not exports.visible_to(colleague).exists() and not exports.visible_to(world.outsider).exists()
    RoleAssignment.objects.filter(user=world.staff).delete()
    forget_scope(world.staff)
    assert not exports.visible_to(world.staff).exists()


def test_a_crashed_job_fails_with_a_message_and_can_be_retried(
    world, client, django_capture_on_commit_callbacks, started
):
    job = started(crash_on=1)
    assert job.status == Job.Status.FAILED and job.message == str(jobs.MSG_CRASHED) and job.can_retry
    login(client, world.staff)
    page = client.get(reverse("job", args=[job.pk]))
    assert 'data-testid="job-retry"' in page.text and "hx-trigger" not in page.text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("job-retry", args=[job.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("job", args=[job.pk])
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and job.attempts == 2
    assert [c["attempt"] for c in CALLS] == [1, 2]


def test_a_job_whose_worker_died_is_failed_when_looked_at_and_stops_polling(world, client, settings):
    settings.JINGUO_JOB_STALE_SECONDS = 120
    job = Job.objects.create(
        kind=ECHO,
        owner=world.staff,
        federation_id=world.fed_a.pk,
        status=Job.Status.RUNNING,
        progress=50,
        message="正在写入……",
        attempts=1,
        heartbeat_at=timezone.now() - dt.timedelta(minutes=3),
    )
    login(client, world.staff)
    status_url = reverse("job-status", args=[job.pk])
    partial = client.get(status_url, HTTP_HX_REQUEST="true")
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.message == str(jobs.MSG_STALE).format(minutes=3)
    assert "hx-trigger" not in partial.text and 'data-testid="job-retry"' in partial.text
    assert job.message in partial.text


def test_a_job_never_picked_up_is_failed_too(world, settings):
    settings.JINGUO_JOB_QUEUE_SECONDS = 600
    job = Job.objects.create(
        kind=ECHO,
        owner=world.staff,
        federation_id=world.fed_a.pk,
        queued_at=timezone.now() - dt.timedelta(minutes=11),
    )
    fresh = Job.objects.create(kind=ECHO, owner=world.staff, federation_id=world.fed_a.pk)
    assert jobs.sweep() == 1
    job.refresh_from_db()
    fresh.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.message == str(jobs.MSG_NEVER_STARTED).format(minutes=10)
    assert fresh.status == Job.Status.PENDING


def test_only_the_attempt_that_holds_a_job_reports_on_it(world, started, django_capture_on_commit_callbacks):
    job = started(crash_on=1)
    first = JobRun(job)  # attempt 1, since failed
    # Retried and claimed again: the old attempt's late reports change nothing.
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.retry(job)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and job.attempts == 2
    first.progress(10, "迟到的进度")
    jobs._finish(job, first.attempt, status=Job.Status.FAILED, message="迟到的结果")
    job.refresh_from_db()
    assert (job.status, job.progress, job.message) == (Job.Status.SUCCEEDED, 100, "完成")
    # A finished job is not retried; a running one is not either.
    assert not jobs.retry(job)


def test_the_sweep_fails_dead_jobs_and_drops_old_files(world, started, settings):
    settings.JINGUO_JOB_FILE_RETENTION_DAYS = 7
    old = started()
    assert default_storage.exists(old.result_file)
    Job.objects.filter(pk=old.pk).update(finished_at=timezone.now() - dt.timedelta(days=8))
    dead = Job.objects.create(
        kind=ECHO,
        owner=world.staff,
        federation_id=world.fed_a.pk,
        status=Job.Status.RUNNING,
        attempts=1,
        heartbeat_at=timezone.now() - dt.timedelta(hours=1),
    )
    assert jobs.sweep() == 1
    old.refresh_from_db()
    assert old.result_file == "" and Job.objects.get(pk=dead.pk).status == Job.Status.FAILED
    # The download of a job whose file is gone goes back to the job's page.
    from django.test import Client

    client = Client()
    login(client, world.staff)
    response = client.get(reverse("job-download", args=[old.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("job", args=[old.pk])


def expiry(client) -> dt.datetime:
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_polling_does_not_renew_the_sessions_idle_timeout(world, client, settings):
    """The idle timeout is the session's expiry, renewed by the person's own requests (core.sessions);
    the status partial must not renew it."""
    job = Job.objects.create(
        kind=ECHO,
        owner=world.staff,
        federation_id=world.fed_a.pk,
        status=Job.Status.RUNNING,
        attempts=1,
        heartbeat_at=timezone.now(),
    )
    status_url, page_url = reverse("job-status", args=[job.pk]), reverse("job", args=[job.pk])
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        login(client, world.staff)
        assert client.get(page_url).status_code == 200
        own_request = expiry(client)
        for minutes in (10, 20, 29):
            clock.move_to(start + dt.timedelta(minutes=minutes))
            Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now())  # the worker is alive
            assert client.get(status_url, HTTP_HX_REQUEST="true").status_code == 200
            assert expiry(client) == own_request, "a poll must not push the idle timeout back"
        # Thirty-one minutes after the person's last own request the session has ended: the poll is sent to
        # log in (and the page's script reloads the page instead of showing the form in the status box).
        clock.move_to(start + dt.timedelta(minutes=31))
        Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now())
        ended = client.get(status_url, HTTP_HX_REQUEST="true")
        assert ended.status_code == 302 and ended["Location"].startswith(reverse("accounts:login"))


def test_a_persons_own_requests_still_renew_it(world, client):
    job = Job.objects.create(
        kind=ECHO, owner=world.staff, federation_id=world.fed_a.pk, status=Job.Status.SUCCEEDED
    )
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        login(client, world.staff)
        client.get(reverse("job", args=[job.pk]))
        first = expiry(client)
        clock.move_to(start + dt.timedelta(minutes=20))
        client.get(reverse("job", args=[job.pk]))
        assert expiry(client) == first + dt.timedelta(minutes=20)


def test_the_job_page_loads_its_script_from_the_server():
    from pathlib import Path

    from django.conf import settings

    template = (Path(settings.BASE_DIR) / "templates/core/job.html").read_text()
    assert "{% static 'js/jobs.js' %}" in template
    script = (Path(settings.BASE_DIR) / "static/js/jobs.js").read_text()
    assert "/accounts/login/" in script and "location.reload" in script


def test_the_worker_looks_for_new_jobs_at_once():
    """huey's consumer backs off to 10 s on an idle queue by default: a 65-row import sat at 0% that long."""
    from config.settings import base

    consumer = base.HUEY["consumer"]
    assert consumer["initial_delay"] <= 0.1 and consumer["max_delay"] <= 1.0
