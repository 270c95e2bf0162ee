"""Certificates of service carry a verification code that a public page checks."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from core.testing.asserts import refused
from lectures import services, views
from lectures.models import ServiceCertificate


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def test_issuing_keeps_what_the_certificate_says_under_an_unguessable_code(world):
    cert, record = services.certificate_issue(volunteer=world.volunteer_a, acting_user=world.volunteer)
    assert len(cert.code) == services.CERTIFICATE_CODE_LENGTH
    assert set(cert.code) <= set(services.CERTIFICATE_ALPHABET)
    assert (cert.volunteer_name, cert.hours, cert.lecture_count) == (
        world.volunteer_a.person.name,
        Decimal("3.50"),
        1,
    )
    assert cert.hours == record.total and cert.issued_by == world.volunteer
    other, _ = services.certificate_issue(volunteer=world.volunteer_a)
    assert other.code != cert.code
    # Typed as printed (groups of four, lower case, spaces): the same certificate.
    typed = " " + services.certificate_code_display(cert.code).lower() + " "
    assert services.certificate_lookup(typed) == cert
    assert services.certificate_lookup(cert.code[:-1] + "2" if cert.code[-1] != "2" else cert.code[:-1] + "3") is None
    assert services.certificate_lookup("") is None
    import datetime as dt

    with refused(services.MSG_PERIOD_ORDER):
        services.certificate_issue(
            volunteer=world.volunteer_a, start=dt.date(2025, 2, 1), end=dt.date(2025, 1, 1)
        )


def test_the_pdf_prints_the_code_of_the_row_it_issued(world, client_as, monkeypatch):
    seen = {}
    import core.pdf

    real = core.pdf.render_pdf

    def spy(template, context, **kwargs):
        seen.update(context)
        return real(template, context, **kwargs)

    monkeypatch.setattr(core.pdf, "render_pdf", spy)
    answer = client_as(world.volunteer).get(
        reverse("lectures:volunteer-certificate", args=[world.volunteer_a.pk]), {"from": "2000-01-01"}
    )
    assert answer.status_code == 200 and answer.content.startswith(b"%PDF")
    cert = ServiceCertificate.objects.get()
    assert seen["code"] == services.certificate_code_display(cert.code)
    assert seen["verify_url"].endswith(reverse("lectures:certificate-verify"))
    assert str(cert.period_start) == "2000-01-01" and cert.period_end is None
    # The certificate rows are the volunteer's and staff's to see.
    assert list(ServiceCertificate.objects.visible_to(world.volunteer)) == [cert]
    assert list(ServiceCertificate.objects.visible_to(world.staff)) == [cert]
    assert not ServiceCertificate.objects.visible_to(world.liaison).exists()
    assert not ServiceCertificate.objects.visible_to(world.outsider).exists()


def test_anyone_checks_a_code_without_logging_in(world):
    cert, _ = services.certificate_issue(volunteer=world.volunteer_a)
    anonymous = Client()
    url = reverse("lectures:certificate-verify")
    assert anonymous.get(url).status_code == 200
    page = anonymous.post(url, {"code": services.certificate_code_display(cert.code)})
    body = page.content.decode()
    assert page.status_code == 200 and 'data-testid="verify-genuine"' in body
    assert world.volunteer_a.person.name in body and "3.50" in body
    assert cert.issued_on.strftime("%Y-%m-%d") in body
    assert page["Cache-Control"].startswith("max-age=0") or "no-cache" in page["Cache-Control"]
    page = anonymous.post(url, {"code": "AAAA-BBBB-CCCC-DDDD"})
    assert 'data-testid="verify-unknown"' in page.content.decode()
    assert world.volunteer_a.person.name not in page.content.decode()


def test_wrong_guesses_lock_the_address_out_for_an_hour(world):
    cert, _ = services.certificate_issue(volunteer=world.volunteer_a)
    url = reverse("lectures:certificate-verify")
    guesser, other = Client(REMOTE_ADDR="203.0.113.9"), Client(REMOTE_ADDR="198.51.100.7")
    for _ in range(views.VERIFY_FAILURES_ALLOWED):
        assert guesser.post(url, {"code": "AAAA-BBBB-CCCC-DDDD"}).status_code == 200
    # Even the right code is not looked up for this address now.
    locked = guesser.post(url, {"code": cert.code})
    assert locked.status_code == 429 and 'data-testid="verify-locked"' in locked.content.decode()
    assert 'data-testid="verify-genuine"' not in locked.content.decode()
    # Another address is not locked out.
    assert 'data-testid="verify-genuine"' in other.post(url, {"code": cert.code}).content.decode()
