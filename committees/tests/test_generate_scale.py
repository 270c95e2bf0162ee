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
    Vacancy.objects.all().delete()
    Term.objects.all().delete()
    Committee.objects.all().delete()
    Unit.objects.all().delete()
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
