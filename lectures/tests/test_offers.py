"""Timed waiting-list offers (pretix): a freed place is held for the first waiting, who accepts or declines;
an offer not answered in time lapses and the place is offered to the next."""

import datetime as dt

import time_machine
from django.urls import reverse
from django.utils import timezone

from core.models import Notification
from core.testing.asserts import refused
from lectures import services, tasks
from lectures.models import OFFER_HOURS, Lecture, Registration
from orgs.models import Person


def _status(reg):
    return Registration.objects.get(pk=reg.pk).status


def _second_waiting(world):
    late = Person.objects.create(federation=world.fed_a, unit=world.unit_a2, name="后来者")
    return services.registration_create(lecture=world.lecture_a, person=late)


def test_an_offered_place_counts_as_taken_and_expires_after_the_set_time(world):
    second = _second_waiting(world)
    before = timezone.now()
    services.registration_cancel(registration=world.reg_a)
    offer = Registration.objects.get(pk=world.wait_a.pk)
    assert offer.status == "offered" and OFFER_HOURS == 24
    assert before + dt.timedelta(hours=24) <= offer.offer_expires_at <= timezone.now() + dt.timedelta(hours=24)
    # The held place is taken: a newcomer waits behind the others.
    newcomer = services.registration_create(lecture=world.lecture_a, person=world.staff.person)
    assert newcomer.status == "waitlisted" and _status(second) == "waitlisted"


def test_the_offer_hours_are_the_lectures_and_never_run_past_its_start(world):
    Lecture.objects.filter(pk=world.lecture_a.pk).update(
        offer_hours=2, starts_at=timezone.now() + dt.timedelta(hours=1)
    )
    services.registration_cancel(registration=world.reg_a)
    offer = Registration.objects.get(pk=world.wait_a.pk)
    assert offer.offer_expires_at == Lecture.objects.get(pk=world.lecture_a.pk).starts_at


def test_accepting_in_time_registers_and_declining_offers_the_next(world):
    second = _second_waiting(world)
    services.registration_cancel(registration=world.reg_a)
    accepted = services.registration_offer_answer(registration=world.wait_a, accept=True)
    assert accepted.status == "registered" and accepted.offer_expires_at is None
    with refused(services.MSG_NO_OFFER):
        services.registration_offer_answer(registration=world.wait_a, accept=True)
    # A registered person cancels: the second waiting is offered; she declines; nobody is left to offer.
    services.registration_cancel(registration=world.wait_a)
    assert _status(second) == "offered"
    declined = services.registration_offer_answer(registration=second, accept=False)
    assert declined.status == "cancelled"
    assert Registration.objects.filter(lecture=world.lecture_a, status__in=["registered", "offered"]).count() == 1
    # The freed place is anyone's again, in order of arrival.
    assert services.registration_create(lecture=world.lecture_a, person=world.staff.person).status == "registered"


def test_an_unanswered_offer_lapses_by_the_job_and_the_next_is_offered(world):
    second = _second_waiting(world)
    services.registration_cancel(registration=world.reg_a)
    with time_machine.travel(timezone.now() + dt.timedelta(hours=23), tick=False):
        assert tasks.lapse_offers.call_local() == 0
        assert _status(world.wait_a) == "offered"
    with time_machine.travel(timezone.now() + dt.timedelta(hours=24, minutes=1), tick=False):
        with refused(services.MSG_OFFER_LAPSED):
            services.registration_offer_answer(registration=world.wait_a, accept=True)
        assert tasks.lapse_offers.call_local() == 1
        assert _status(world.wait_a) == "lapsed" and _status(second) == "offered"
        assert Notification.objects.filter(recipient=world.liaison, kind="lecture_offer_lapsed").exists()
        nxt = Registration.objects.get(pk=second.pk)
        assert nxt.offer_expires_at > timezone.now() + dt.timedelta(hours=23)
        # A lapsed person may register again, at the end of the queue.
        again = services.registration_create(lecture=world.lecture_a, person=world.liaison.person)
        assert again.status == "waitlisted"
    with time_machine.travel(timezone.now() + dt.timedelta(hours=49), tick=False):
        services.offers_lapse()
        assert _status(second) == "lapsed"
        assert Registration.objects.get(pk=again.pk).status == "offered"


def test_the_person_answers_an_offer_on_the_page(world, client_as):
    services.registration_cancel(registration=world.reg_a)
    client = client_as(world.liaison)
    page = client.get(reverse("lectures:lecture-detail", args=[world.lecture_a.pk])).content.decode()
    assert 'data-testid="my-offer"' in page and 'data-testid="offer-accept"' in page
    url = reverse("lectures:registration-offer-accept", args=[world.wait_a.pk])
    assert url in client.get(reverse("lectures:my-lectures")).content.decode()
    assert client.get(url).status_code == 200
    # Someone else cannot answer her offer.
    assert client_as(world.executive).post(url).status_code in (403, 404)
    answer = client_as(world.liaison).post(url)
    assert answer.status_code == 302 and _status(world.wait_a) == "registered"
