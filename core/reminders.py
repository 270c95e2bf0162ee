"""Reminders that resolve: the apps say what needs doing, the platform tells the people who must act and
notices when it has been done (自动换届、自动补充人员, and later shifts, lecture requests, suggestions).

An app registers a `ReminderProducer` in its `ready()`:

    reminder_producers.register("committees.terms", ReminderProducer(
        produce=term_notices, kinds=frozenset({"term_due", "term_overdue"}),
        watches={"committees.Term": "federation_id", "orgs.Federation": "pk"},
    ))

`produce(today, federation_id)` returns the `Notice`s that hold on `today`: each with a dedup key (one per
threshold: "term-due-90:12"), a cause (what it is about: "term:12"), and an audience (named users, holders
of federation-wide roles of the notice's federation, holders of roles bound to a unit), which the resolver
registered by the accounts app turns into users (core imports no app).

`run_reminders(today)` (the daily job core.tasks and the command `send_reminders`) runs every producer,
notifies each person once per notice (core.notify: in-app always, e-mail, SMS for urgent notices to those
who must act), and marks resolved (已处理) every open reminder of those producers that they no longer report:
its cause is gone (the committee re-elected, the vacancy filled), or a newer threshold superseded it. A
reminder reported again after it was resolved (a re-election withdrawn) is open again.

Resolution does not wait for the next morning: a write to a model a producer watches schedules, once per
transaction and federation, a refresh of that federation's reminders after the transaction commits
(in-app only; the daily run sends the e-mails).
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from core.notify import notify
from core.registry import Registry

logger = logging.getLogger("jinguo.reminders")


@dataclass(frozen=True)
class Audience:
    """Who hears of a notice: named users, holders of `federation_roles` in the notice's federation, and
    holders of `unit_roles` bound to `unit_id`. Urgent notices are also texted to the named users and the
    unit's role holders (those who must act), not to the federation-wide roles."""

    user_ids: frozenset[int] = frozenset()
    federation_roles: frozenset[str] = frozenset()
    unit_id: int | None = None
    unit_roles: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Notice:
    """One thing to tell some people about one cause, on one day."""

    key: str  # dedup key: one notification per person and key, ever
    cause: str  # what it is about ("term:12"): open until no producer reports the key
    kind: str
    federation_id: int
    title: str
    body: str = ""
    url: str = ""
    urgent: bool = False
    audience: Audience = Audience()


@dataclass(frozen=True)
class ReminderProducer:
    """An app's reminders: what holds on a day, the kinds of notice it makes (its open ones are resolved
    when it reports them no more), and the models whose writes may change its answer (model label ->
    attribute of the written row that holds its federation's id)."""

    produce: Callable[[dt.date, int | None], list[Notice]]
    kinds: frozenset[str]
    watches: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Holder:
    """One role held by one user in one federation, bound to a unit or not (what the resolver returns)."""

    user: Any
    role: str
    federation_id: int
    unit_id: int | None = None


# (federation ids, roles, named user ids) -> (the active holders of those roles there, the active named users)
AudienceResolver = Callable[[frozenset[int], frozenset[str], frozenset[int]], tuple[list[Holder], dict[int, Any]]]

reminder_producers: Registry[ReminderProducer] = Registry("reminder_producers")
_resolver: AudienceResolver | None = None


def register_audience_resolver(resolver: AudienceResolver) -> None:
    """The accounts app registers how roles become users (its role assignments)."""
    global _resolver
    _resolver = resolver


@dataclass
class ReminderReport:
    """What one run noticed, sent and resolved."""

    today: dt.date
    notices: list[Notice] = field(default_factory=list)
    notifications_created: int = 0
    emails_sent: int = 0
    sms_sent: int = 0
    reopened: int = 0
    resolved: int = 0
    # Open reminders whose words changed (a day count, a corrected date): kept up to date in place.
    updated: int = 0
    failed: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return gettext(
            "%(day)s：%(n)s 项提醒，新建站内通知 %(created)s 条，发送邮件 %(emails)s 封，短信 %(sms)s 条，"
            "标为已处理 %(resolved)s 条"
        ) % {"day": self.today.isoformat(), "n": len(self.notices), "created": self.notifications_created,
             "emails": self.emails_sent, "sms": self.sms_sent, "resolved": self.resolved}


@dataclass(frozen=True)
class _Recipient:
    user: Any
    acts: bool  # must act on it (named, or holds a unit-bound role): urgent notices are texted


def _recipients(notices: list[Notice]) -> dict[str, list[_Recipient]]:
    """Each notice's recipients (by key), each person once, from one call of the resolver."""
    if not notices:
        return {}
    if _resolver is None:
        raise RuntimeError("No audience resolver registered (the accounts app registers it in ready()).")
    roles = frozenset(r for n in notices for r in (*n.audience.federation_roles, *n.audience.unit_roles))
    user_ids = frozenset(u for n in notices for u in n.audience.user_ids)
    holders, users = _resolver(frozenset(n.federation_id for n in notices), roles, user_ids)
    by_federation: dict[int, list[Holder]] = {}
    for holder in holders:
        by_federation.setdefault(holder.federation_id, []).append(holder)
    result: dict[str, list[_Recipient]] = {}
    for n in notices:
        people: dict[int, _Recipient] = {}
        for holder in by_federation.get(n.federation_id, []):
            if holder.unit_id is None and holder.role in n.audience.federation_roles:
                people.setdefault(holder.user.pk, _Recipient(holder.user, False))
            if n.audience.unit_id is not None and holder.unit_id == n.audience.unit_id \
                    and holder.role in n.audience.unit_roles:
                people[holder.user.pk] = _Recipient(holder.user, True)
        for user_id in n.audience.user_ids:
            if user_id in users:
                people[user_id] = _Recipient(users[user_id], True)
        result[n.key] = list(people.values())
    return result


def run_reminders(
    today: dt.date, *, federation_id: int | None = None, email: bool = True, sms: bool = True
) -> ReminderReport:
    """Every producer's notices on `today`, each person notified once per notice; the open reminders of those
    producers that none reports any more are marked resolved.

    `federation_id` limits the run to one federation; `email=False` / `sms=False` leave only the in-app
    notices (the demo and the refresh after a write). A notice not e-mailed now is e-mailed by a later run
    with `email=True`, as after a failed send.
    """
    from core.models import Notification

    report = ReminderReport(today=today)
    ran_kinds: set[str] = set()
    # Notices are stored in the platform's language, whoever's request caused the run.
    with translation.override(settings.LANGUAGE_CODE):
        for key, producer in reminder_producers.items():
            try:
                produced = producer.produce(today, federation_id)
            except Exception:
                # Its reminders stay as they are: nothing of it is resolved on a failed run.
                logger.exception("Reminder producer %s failed", key)
                report.failed.append(key)
                continue
            ran_kinds |= producer.kinds
            report.notices += [n for n in produced if federation_id is None or n.federation_id == federation_id]
        recipients = _recipients(report.notices)
        existing = {
            (n.recipient_id, n.dedup_key): n
            for n in Notification.objects.filter(dedup_key__in={n.key for n in report.notices})
            .only("id", "recipient_id", "dedup_key", "resolved_at", "emailed_at", "title", "body", "url", "cause")
        }
        delivered: set[tuple[int, str]] = set()
        for notice in report.notices:
            for person in recipients.get(notice.key, []):
                delivered.add((person.user.pk, notice.key))
                known = existing.get((person.user.pk, notice.key))
                wants_email = email and bool((getattr(person.user, "email", "") or "").strip())
                if known is not None and known.resolved_at is None and not (wants_email and known.emailed_at is None):
                    report.updated += _keep_current(known, notice)
                    continue
                delivery = notify(
                    recipient=person.user, federation_id=notice.federation_id, kind=notice.kind, cause=notice.cause,
                    title=notice.title, body=notice.body, url=notice.url, dedup_key=notice.key, email=email,
                    sms=sms and notice.urgent and person.acts,
                )
                report.notifications_created += delivery.created
                report.emails_sent += delivery.emailed
                report.sms_sent += delivery.texted
                report.reopened += delivery.reopened
    report.resolved = _resolve_gone(ran_kinds, delivered, federation_id)
    logger.info("Reminders %s", report)
    return report


def _keep_current(known: Any, notice: Notice) -> int:
    """An open reminder says what holds today ("已超期 40 天", a corrected date), not what held when it began;
    one sent before reminders had causes gets its cause, so that it resolves like the others."""
    words = {"title": notice.title[:200], "body": notice.body, "url": notice.url[:300], "cause": notice.cause[:100]}
    if all(getattr(known, k) == v for k, v in words.items()):
        return 0
    type(known).objects.filter(pk=known.pk).update(**words)
    return 1


def _resolve_gone(kinds: Iterable[str], delivered: set[tuple[int, str]], federation_id: int | None) -> int:
    """Marks resolved the open reminders of `kinds` that this run did not report to their recipient."""
    from core.models import Notification

    open_ones = Notification.objects.open_reminders().filter(kind__in=set(kinds))
    if federation_id is not None:
        open_ones = open_ones.filter(federation_id=federation_id)
    gone = [pk for pk, user_id, key in open_ones.values_list("pk", "recipient_id", "dedup_key")
            if (user_id, key) not in delivered]
    now = timezone.now()
    for start in range(0, len(gone), 500):
        Notification.objects.filter(pk__in=gone[start:start + 500]).update(resolved_at=now)
    return len(gone)


# ---- refreshing after a write --------------------------------------------------------------------------


def watched_federation(sender: type[Any], instance: Any) -> int | None:
    """The federation whose reminders a write to this row may change, if any producer watches its model."""
    label = sender._meta.label
    for producer in reminder_producers.entries():
        attribute = producer.watches.get(label)
        if attribute is not None:
            value = getattr(instance, attribute, None)
            return int(value) if value is not None else None
    return None


def refresh_federation(federation_id: int) -> ReminderReport:
    """Re-runs the reminders of one federation for today (in-app only): new ones appear, gone ones resolve."""
    from core import audit, clock

    with audit.acting_as(None, source="job"):
        return run_reminders(clock.today(), federation_id=federation_id, email=False, sms=False)


# Queues a federation's refresh in the background worker; core.tasks sets it when it loads (CoreConfig.ready).
refresh_queue: Callable[[int], None] | None = None


def queue_refresh(federation_id: int) -> None:
    """Refresh the federation's reminders in the background worker (core.tasks), at most one waiting
    refresh per federation: a run reads every producer's records of the federation (93 s at 100,000 units
    when it creates the notices), which no request may wait for. A write during a run queues one more, so
    the last write is always seen. Without a queue (core.tasks not loaded) the refresh runs at once."""
    if refresh_queue is None:
        refresh_federation(federation_id)
    else:
        refresh_queue(federation_id)


def schedule_refresh(federation_id: int) -> None:
    """After the current transaction commits, queue a refresh of the federation's reminders: once per
    transaction (with huey's `immediate` mode, as in the tests, it runs at the commit)."""
    connection = transaction.get_connection()
    # Django keeps the callbacks of the open transaction (those of a rolled-back savepoint dropped) here.
    pending = getattr(connection, "run_on_commit", [])
    if any(getattr(callback, "jinguo_refresh_federation", None) == federation_id for _, callback, _ in pending):
        return
    callback = functools.partial(queue_refresh, federation_id)
    callback.jinguo_refresh_federation = federation_id  # type: ignore[attr-defined]
    transaction.on_commit(callback, robust=True)


def on_write(sender: type[Any], instance: Any, **kwargs: Any) -> None:
    """post_save / post_delete receiver (connected in core.apps): a watched row changed."""
    if kwargs.get("raw"):
        return  # loading fixtures
    federation_id = watched_federation(sender, instance)
    if federation_id is not None:
        schedule_refresh(federation_id)
