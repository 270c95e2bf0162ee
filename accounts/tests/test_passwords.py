"""Password rules, history, forced change and 90-day expiry."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.middleware import MSG_PASSWORD_EXPIRED, MSG_PASSWORD_MUST_CHANGE
from accounts.models import PasswordHistory, User
from accounts.validators import (
    MSG_PASSWORD_CLASSES,
    MSG_PASSWORD_COMMON,
    MSG_PASSWORD_REUSED,
    MSG_PASSWORD_TOO_SHORT,
)
from accounts.views import MSG_PASSWORD_CHANGED
from core.models import AuditEvent
from core.testing.world import PASSWORD

pytestmark = pytest.mark.django_db


def messages_for(password, user=None):
    try:
        validate_password(password, user)
    except ValidationError as exc:
        return exc.messages
    return []


def test_good_password_passes():
    assert messages_for("Lanhua-Spring-2026") == []
    assert messages_for("qingshan7#river") == []  # lower, digit, symbol: 3 classes


def test_too_short_is_refused_in_chinese():
    assert MSG_PASSWORD_TOO_SHORT.format(min_length=12) in messages_for("Ab1!xyz")


def test_fewer_than_three_classes_is_refused_in_chinese():
    assert MSG_PASSWORD_CLASSES.format(min_classes=3) in messages_for("onlylowercaseletters")
    assert MSG_PASSWORD_CLASSES.format(min_classes=3) in messages_for("lowerand12345678")
    assert messages_for("lowerand12345678X") == []


def test_common_password_is_refused_in_chinese():
    # 12 characters, three classes, but in the common-password list (compared in lower case).
    assert messages_for("Q1w2e3r4t5y6") == [MSG_PASSWORD_COMMON]


def test_last_five_passwords_cannot_be_reused(world):
    user = world.staff
    used = [PASSWORD] + [f"Rotation-{i}-Passw0rd" for i in range(1, 6)]
    for pw in used[1:]:
        user.set_password(pw)
        user.save()
    assert PasswordHistory.objects.filter(user=user).count() == 5
    reused = MSG_PASSWORD_REUSED.format(count=5)
    for pw in used[-5:]:  # the current one and the four before it
        assert reused in messages_for(pw, user), pw
    assert reused not in messages_for(used[0], user)  # six passwords ago: allowed again


def test_forced_change_on_first_login_then_free(client, world):
    user = User.objects.create_user(username="newbie", password="Start-Passw0rd-1", federation=world.fed_a)
    assert user.must_change_password
    client.post(reverse("accounts:login"), {"username": "newbie", "password": "Start-Passw0rd-1"})
    page = client.get(reverse("accounts:profile"))
    assert page.status_code == 302 and page.url == reverse("accounts:password-change")
    assert str(MSG_PASSWORD_MUST_CHANGE) in client.get(page.url).content.decode()
    # logout and the change page itself stay reachable
    assert client.get(reverse("accounts:logout")).status_code == 200
    refused = client.post(
        reverse("accounts:password-change"),
        {
            "old_password": "Start-Passw0rd-1",
            "new_password1": "Start-Passw0rd-1",
            "new_password2": "Start-Passw0rd-1",
        },
    )
    assert MSG_PASSWORD_REUSED.format(count=5) in refused.content.decode()
    done = client.post(
        reverse("accounts:password-change"),
        {
            "old_password": "Start-Passw0rd-1",
            "new_password1": "Brand-New-Passw0rd",
            "new_password2": "Brand-New-Passw0rd",
        },
        follow=True,
    )
    assert str(MSG_PASSWORD_CHANGED) in done.content.decode()
    user.refresh_from_db()
    assert not user.must_change_password
    assert client.get(reverse("accounts:profile")).status_code == 200  # still logged in, now free
    assert AuditEvent.objects.filter(action="password_change", object_id=str(user.pk)).exists()


def test_password_expires_after_90_days(client, world):
    user = world.staff
    user.password_changed_at = timezone.now()
    user.save()
    with time_machine.travel(timezone.now() + dt.timedelta(days=89), tick=False):
        client.force_login(user)
        assert client.get(reverse("accounts:profile")).status_code == 200
    with time_machine.travel(timezone.now() + dt.timedelta(days=91), tick=False):
        client.force_login(user)
        page = client.get(reverse("accounts:profile"))
        assert page.status_code == 302 and page.url == reverse("accounts:password-change")
        assert str(MSG_PASSWORD_EXPIRED) in client.get(page.url).content.decode()
        client.post(
            reverse("accounts:password-change"),
            {
                "old_password": PASSWORD,
                "new_password1": "Autumn-Leaves-2026",
                "new_password2": "Autumn-Leaves-2026",
            },
        )
        assert client.get(reverse("accounts:profile")).status_code == 200


def test_static_and_health_are_not_gated(client, world):
    user = User.objects.create_user(username="newbie2", password="Start-Passw0rd-1", federation=world.fed_a)
    client.force_login(user)
    assert client.get(reverse("health")).status_code == 200
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.parametrize(
    "password",
    [
        "Aaaaaaaaaaa1",
        "Abcdefghijk1",
        "Qwertyuiop12",  # the probe's
        "Zyxwvutsrq-9",
        "1234567890Ab!",
        "Asdfghjkl;12",
        "!!!!!!!!Aa11",
        "Aa1!Aa1!aaaaaaaaa",
    ],
)
def test_repeated_characters_and_sequences_are_refused_in_chinese(password):
    from accounts.validators import MSG_PASSWORD_PATTERN

    assert str(MSG_PASSWORD_PATTERN) in messages_for(password)


@pytest.mark.parametrize(
    "password",
    [
        PASSWORD,
        "Jinguo-Demo-2026!",
        "Lanhua-Spring-2026",
        "lowerand12345678X",
        "Abc-Lanhua-7#river",
    ],
)
def test_passwords_with_a_short_run_or_sequence_still_pass(password):
    assert messages_for(password) == []


def test_the_rule_is_on_the_change_page_and_the_policy_page(client_as, world):
    from accounts.validators import MSG_PASSWORD_PATTERN

    client = client_as(world.staff)
    refused = client.post(
        reverse("accounts:password-change"),
        {"old_password": PASSWORD, "new_password1": "Qwertyuiop12", "new_password2": "Qwertyuiop12"},
    )
    assert refused.status_code == 200 and str(MSG_PASSWORD_PATTERN) in refused.content.decode()
    assert "连续" in client_as(world.secadmin).get(reverse("accounts:password-policy")).content.decode()
