"""manage.py generate_scale: the benchmark's data is deterministic for a seed and obeys the models' rules."""

import itertools

from django.core.management import call_command

from committees.management.commands.generate_scale import generate
from committees.models import Committee, Term, Vacancy
from orgs.models import Unit


def _shape(districts):
    units = Unit.objects.filter(federation__in=districts)
    return (
        sorted(units.values_list("name", "established_on", "dissolved_on")),
        sorted(
            Committee.objects.filter(unit__in=units).values_list("unit__name", "formed_on", "dissolved_on")
        ),
        sorted(
            Term.objects.filter(committee__unit__in=units).values_list(
                "committee__unit__name", "number", "started_on", "due_on", "ended_on"
            )
        ),
        sorted(
            Vacancy.objects.filter(committee__unit__in=units).values_list(
                "committee__unit__name", "role", "vacated_on", "filled_on"
            )
        ),
    )


def test_generate_scale_is_deterministic_and_consistent(db):
    first = generate(120, federations=3, seed=5)
    assert len(first) == 3 and all(d.parent is not None and d.parent.parent is not None for d in first)
    assert Unit.objects.filter(federation__in=first).count() == 120
    shape = _shape(first)
    assert shape[1] and shape[2]  # committees and terms
    # Every committee's terms are numbered from 1 without gaps, each elected after the previous one.
    by_unit: dict[str, list] = {}
    for name, number, started, due, ended in shape[2]:
        by_unit.setdefault(name, []).append((number, started, due, ended))
    for terms in by_unit.values():
        assert [t[0] for t in terms] == list(range(1, len(terms) + 1))
        assert all(b[1] > a[1] for a, b in itertools.pairwise(terms))
    # Another run with the same seed writes the same rows (under other federation names).
    second = generate(120, federations=3, seed=5)
    assert _shape(second) == shape


def test_generate_scale_command_adds_the_benchmark_account(db):
    from accounts.models import User
    from core.roles import Role
    from core.scoping import scope_for

    call_command(
        "generate_scale",
        "--units",
        "30",
        "--staff",
        "bench",
        "--password",
        "Bench-Test-Pass-2026!",
        "-v",
        "0",
    )
    user = User.objects.get(username="bench")
    assert not user.must_change_password
    assert scope_for(user).has_in(user.federation_id, Role.FEDERATION_STAFF)
    assert Unit.objects.visible_to(user).count() == 30


def _modules(districts):
    """The other modules' rows of the districts, without keys, timestamps or ciphertexts (randomised)."""
    from core import confidential
    from duties.models import ContactAssignment, Executive, HotlineCase, Shift, Suggestion
    from lectures.models import Lecture, Registration, Topic, TopicVersion, Volunteer

    feds = [d.pk for d in districts]
    with confidential.system_scope("test"), confidential.reading("test"):
        cases = sorted(
            (c.received_on, c.category, c.status, c.caller_name, c.caller_phone, c.narrative, c.masked_identity)
            for c in HotlineCase.objects.filter(federation_id__in=feds)
        )
    families = sorted(
        (a.family_name, a.family_phone) for a in ContactAssignment.objects.filter(federation_id__in=feds, kind="family")
    )
    return {
        "volunteers": sorted(Volunteer.objects.filter(federation_id__in=feds).values_list("person__name", "unit__name")),
        "topics": sorted(Topic.objects.filter(federation_id__in=feds).values_list("title", "added_on", "status")),
        "versions": TopicVersion.objects.filter(topic__federation_id__in=feds).count(),
        "lectures": sorted(
            Lecture.objects.filter(federation_id__in=feds).values_list("topic__title", "starts_at", "status")
        ),
        "registrations": sorted(
            Registration.objects.filter(federation_id__in=feds).values_list(
                "lecture__starts_at", "person__name", "attendance"
            )
        ),
        "executives": sorted(Executive.objects.filter(federation_id__in=feds).values_list("person__name", "unit__name")),
        "shifts": sorted(Shift.objects.filter(federation_id__in=feds).values_list("on", "desk", "executive__person__name")),
        "suggestions": sorted(Suggestion.objects.filter(federation_id__in=feds).values_list("title", "status")),
        "cases": cases,
        "families": families,
    }


def test_generate_scale_writes_the_modules_records_in_proportion_and_deterministically(db):
    from django.db import connection

    from core import confidential
    from duties.models import HotlineCase
    from orgs.models import Person

    first = generate(114, federations=2, seed=7)
    shape = _modules(first)
    active = Unit.objects.filter(federation__in=first, dissolved_on__isnull=True).count()
    # The demo district's proportions (57 units: ~40 volunteers, 30 topics, ~30 executives, ~200 cases).
    assert 0.4 * active <= len(shape["volunteers"]) <= active
    assert 0.3 * active <= len(shape["topics"]) <= 0.8 * active
    assert len(shape["topics"]) < shape["versions"] < 1.5 * len(shape["topics"])
    assert len(shape["lectures"]) >= active
    assert 6 * len(shape["lectures"]) <= len(shape["registrations"]) <= 14 * len(shape["lectures"])
    assert 0.3 * active <= len(shape["executives"]) <= 0.7 * active
    assert len(shape["shifts"]) > 500 and 2 * active <= len(shape["cases"]) <= 5 * active
    assert shape["suggestions"] and shape["families"]
    from assessment.models import ItemAnswer, SelfCheck

    forms = SelfCheck.objects.filter(federation_id__in=[d.pk for d in first])
    assert forms.count() == active and ItemAnswer.objects.filter(selfcheck__in=forms).count() == 10 * active
    assert {s for *_, s in shape["lectures"]} == {"held", "scheduled"}
    assert {c[2] for c in shape["cases"]} >= {"closed", "received"}
    # Keyed hashes as the intake sets them: the case is found by its caller's phone.
    _, _, _, _, phone, _, _ = shape["cases"][0]
    with confidential.system_scope("test"):
        assert HotlineCase.objects.filter(federation_id__in=[d.pk for d in first]).by_phone(phone).exists()
    # The case contents and the family contacts are encrypted at rest.
    with connection.cursor() as cursor:
        cursor.execute("SELECT caller_name, caller_phone, narrative FROM duties_hotlinecase")
        raw = cursor.fetchall()
        cursor.execute("SELECT family_name, family_phone FROM duties_contactassignment WHERE kind = 'family'")
        raw_families = cursor.fetchall()
    plain = {v for c in shape["cases"] for v in c[3:6]} | {v for f in shape["families"] for v in f}
    assert raw and raw_families and not plain & {v for row in raw + raw_families for v in row}
    assert all(v.startswith("v1:") for row in raw for v in row)
    # The same seed writes the same records again (under other federation names).
    people = Person.objects.count()
    second = generate(114, federations=2, seed=7)
    assert Person.objects.count() == 2 * people
    assert _modules(second) == shape


def test_the_modules_list_pages_answer_on_generated_data(db, client_as):
    from django.urls import reverse

    from accounts.models import User

    call_command("generate_scale", "--units", "60", "--staff", "bench", "-v", "0")
    client = client_as(User.objects.get(username="bench"))
    for name in ("lectures:lecture-list", "lectures:topic-list", "duties:roster", "duties:case-list",
                 "duties:executive-list", "duties:suggestion-list"):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
    from assessment.models import SelfCheck

    form = SelfCheck.objects.filter(federation_id=User.objects.get(username="bench").federation_id).first()
    assert form is not None
    for name, args in (("assessment:index", []), ("assessment:cycle-detail", [form.cycle_id]),
                       ("assessment:form-detail", [form.pk])):
        assert client.get(reverse(name, args=args)).status_code == 200, name
    assert "···" in client.get(reverse("duties:case-list")).content.decode()  # masked callers listed
