"""Telling a user something: an in-app notice always, an e-mail when they have an address, SMS if asked.

`notify(...)` is idempotent through `Notification.dedup_key` (unique per recipient): calling it again
with the same key creates nothing and sends nothing, so a reminder job may run twice a day safely.
An e-mail that failed once is retried on the next call (its notice still has `emailed_at` empty).
A reminder (one with a `cause`, core.reminders) notified again after it was resolved is open again.

SMS goes through a small pluggable backend named by the setting `JINGUO_SMS_BACKEND` (a dotted path
to a class with `send(phone, text) -> bool`); the default only writes the message to the log.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cache
from typing import Any, Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from core.models import Notification

logger = logging.getLogger("jinguo.notify")

DEFAULT_SMS_BACKEND = "core.notify.LogSmsBackend"
SUBJECT = _("【巾帼】{title}")  # the subject of an e-mail and the text of an SMS
EMAIL_FOOTER = _("\n\n——\n本邮件由巾帼妇联工作平台自动发送，请勿直接回复。")


class SmsBackend(Protocol):
    def send(self, phone: str, text: str) -> bool: ...


class LogSmsBackend:
    """Writes each SMS to the log instead of sending it (the default: no gateway configured)."""

    def send(self, phone: str, text: str) -> bool:
        masked = f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 7 else "****"
        logger.info("SMS to %s: %s", masked, text)
        return True


class MemorySmsBackend:
    """Keeps the messages in `MemorySmsBackend.outbox` (for tests)."""

    outbox: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> bool:
        MemorySmsBackend.outbox.append((phone, text))
        return True


@cache
def _sms_backend(path: str) -> SmsBackend:
    return import_string(path)()


def sms_backend() -> SmsBackend:
    return _sms_backend(getattr(settings, "JINGUO_SMS_BACKEND", DEFAULT_SMS_BACKEND))


def send_sms(phone: str, text: str) -> bool:
    """Send one SMS through the configured backend; never raises (a failed SMS is logged)."""
    if not phone:
        return False
    try:
        return bool(sms_backend().send(phone, text))
    except Exception:
        logger.exception("SMS backend failed")
        return False


@dataclass
class Delivery:
    """What one `notify` call did."""

    notification: Notification
    created: bool
    emailed: bool = False
    texted: bool = False
    reopened: bool = False


def absolute_url(path: str) -> str:
    base = getattr(settings, "JINGUO_SITE_URL", "").rstrip("/")
    return f"{base}{path}" if base and path.startswith("/") else path


def notify(
    *,
    recipient: Any,
    federation_id: int,
    kind: str,
    title: str,
    dedup_key: str,
    body: str = "",
    url: str = "",
    cause: str = "",
    email: bool = True,
    sms: bool = False,
) -> Delivery:
    """Create the in-app notice once per (recipient, dedup_key); e-mail it once if the user has an address.

    `cause` makes it a reminder (core.reminders): open until its cause is gone."""
    existing = Notification.objects.filter(recipient_id=recipient.pk, dedup_key=dedup_key).first()
    created = False
    if existing is None:
        try:
            with transaction.atomic():
                existing = Notification.objects.create(
                    recipient_id=recipient.pk, federation_id=federation_id, kind=kind, cause=cause[:100],
                    title=title[:200], body=body, url=url[:300], dedup_key=dedup_key[:200],
                )
                created = True
        except IntegrityError:
            # Another run created it between our read and our write.
            existing = Notification.objects.get(recipient_id=recipient.pk, dedup_key=dedup_key)
    delivery = Delivery(notification=existing, created=created)
    if existing.resolved_at is not None:
        Notification.objects.filter(pk=existing.pk).update(resolved_at=None)
        existing.resolved_at = None
        delivery.reopened = True
    if cause and existing.cause != cause[:100]:
        # Sent before reminders had causes: from now on it resolves like the others.
        Notification.objects.filter(pk=existing.pk).update(cause=cause[:100])
        existing.cause = cause[:100]
    address = (getattr(recipient, "email", "") or "").strip()
    if email and address and existing.emailed_at is None:
        delivery.emailed = _email(existing, address)
    if sms and created:
        person = getattr(recipient, "person", None)
        phone = getattr(person, "phone", "") if person is not None else ""
        delivery.texted = send_sms(phone, str(SUBJECT).format(title=title))
    return delivery


def _email(notification: Notification, address: str) -> bool:
    message = notification.body
    if notification.url:
        message = message + str(_("\n\n查看详情：{url}")).format(url=absolute_url(notification.url))
    try:
        send_mail(
            subject=str(SUBJECT).format(title=notification.title),
            message=message + str(EMAIL_FOOTER),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[address],
        )
    except Exception:
        # The notice stays un-e-mailed and the next run tries again.
        logger.exception("E-mail for notification %s failed", notification.pk)
        return False
    notification.emailed_at = timezone.now()
    Notification.objects.filter(pk=notification.pk).update(emailed_at=notification.emailed_at)
    return True
