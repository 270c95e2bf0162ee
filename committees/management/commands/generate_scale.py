"""`manage.py generate_scale --units N [--federations K] [--seed S]`: a province's worth of test data, fast.

A province federation with cities under it and K district federations under the cities; N units spread
over the districts (80% with a committee, terms of five years since formation, about a third with a
vacancy, a tenth dissolved), proportioned like the demo. Written with bulk inserts straight to the
tables (core.bulk.insert: no audit events, no per-row services; this is test data for measuring, not
records anyone made), deterministic for a seed, on SQLite and PostgreSQL. 100,000 units in well under
a minute. `--staff USERNAME` adds a federation staff account of the first district (the benchmark's), also the
district's hotline supervisor (for the case list).

The other modules' records (volunteers, lectures, executives, shifts, hotline cases, ...) come from the
generators the apps register in core.registry.scale_generators, called after the registry data in the
same transaction: committees knows none of the apps above it.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, transaction
from django.utils import timezone

from committees import rate_summary
from committees.models import Committee, Term, Vacancy
from core import clock
from core.bulk import insert
from core.registry import ScaleContext, scale_generators
from orgs.models import Federation, Unit

D = dt.date
BATCH = 5000
PLACES = ["东城", "西城", "南山", "北岭", "临江", "青山", "白云", "金水", "长安", "新华", "和平", "红旗"]
KINDS_OF_UNIT = [
    ("区教育局", Unit.Kind.DEPARTMENT),
    ("区卫生健康局", Unit.Kind.DEPARTMENT),
    ("区税务局", Unit.Kind.STATIONED),
    ("第一中学", Unit.Kind.INSTITUTION),
    ("人民医院", Unit.Kind.INSTITUTION),
    ("妇幼保健院", Unit.Kind.INSTITUTION),
    ("街道办事处", Unit.Kind.STREET),
    ("区财政局", Unit.Kind.DEPARTMENT),
    ("区人民法院", Unit.Kind.STATIONED),
    ("区图书馆", Unit.Kind.INSTITUTION),
    ("区市场监督管理局", Unit.Kind.DEPARTMENT),
    ("区供电公司", Unit.Kind.STATIONED),
]
ROLES = ["chair", "vice_chair", "member", "member"]


def _progress(label: str, done: int, total: int) -> None:
    width = 30
    filled = width * done // max(total, 1)
    sys.stderr.write(f"\r  {label:10} [{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,}")
    if done >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def _insert_batches(model: Any, objs: list[Any], label: str, quiet: bool) -> None:
    for start in range(0, len(objs), BATCH):
        insert(model, objs[start : start + BATCH])
        if not quiet:
            _progress(label, min(len(objs), start + BATCH), len(objs))


def generate(units: int, federations: int = 1, seed: int = 2017, *, quiet: bool = True) -> list[Federation]:
    """Writes the data; returns the district federations (the units' own)."""
    rng = random.Random(seed)
    today = clock.today()
    with transaction.atomic():
        suffix = f"{seed}-{units}-{Federation.objects.count()}"  # unique names, run after run
        province = Federation.objects.create(name=f"规模测试省妇联{suffix}")
        cities = [
            Federation.objects.create(
                name=f"规模测试{PLACES[i % len(PLACES)]}市妇联{suffix}-{i}", parent=province
            )
            for i in range(max(1, federations // 10))
        ]
        districts = [
            Federation.objects.create(
                name=f"规模测试{PLACES[i % len(PLACES)]}区妇联{suffix}-{i}", parent=cities[i % len(cities)]
            )
            for i in range(federations)
        ]
        unit_objs: list[Unit] = []
        for i in range(units):
            base, kind = KINDS_OF_UNIT[i % len(KINDS_OF_UNIT)]
            established = D(1990, 1, 1) + dt.timedelta(days=rng.randrange(9000))
            dissolved = None
            if rng.random() < 0.1:
                dissolved = min(today, established + dt.timedelta(days=rng.randrange(400, 9000)))
            unit_objs.append(
                Unit(
                    federation=districts[i % federations],
                    name=f"{PLACES[(i // 12) % len(PLACES)]}{base}{i:06d}",
                    kind=kind,
                    established_on=established,
                    dissolved_on=dissolved,
                    female_staff_count=rng.randrange(5, 600),
                    address=f"{PLACES[i % len(PLACES)]}路{i % 999 + 1}号",
                )
            )
        _insert_batches(Unit, unit_objs, "units", quiet)
        committees: list[Committee] = []
        for unit in unit_objs:
            if rng.random() >= 0.8:
                continue
            assert unit.established_on is not None
            formed = min(
                today, max(unit.established_on, D(2010, 1, 1)) + dt.timedelta(days=rng.randrange(2500))
            )
            if unit.dissolved_on is not None and formed >= unit.dissolved_on:
                continue
            committees.append(
                Committee(
                    federation_id=unit.federation_id,
                    unit_id=unit.pk,
                    formed_on=formed,
                    dissolved_on=unit.dissolved_on,
                )
            )
        _insert_batches(Committee, committees, "committees", quiet)
        terms: list[Term] = []
        vacancies: list[Vacancy] = []
        for committee in committees:
            start, number = committee.formed_on, 1
            end = committee.dissolved_on or today
            while True:
                due = D(start.year + 5, start.month, min(start.day, 28))
                successor = due + dt.timedelta(days=rng.choice([-30, 0, 0, 20, 200]))
                ended = successor if successor <= end else committee.dissolved_on
                terms.append(
                    Term(
                        federation_id=committee.federation_id,
                        committee_id=committee.pk,
                        number=number,
                        started_on=start,
                        due_on=due,
                        ended_on=ended,
                    )
                )
                if successor > end or successor <= start:
                    break
                start, number = successor, number + 1
            if rng.random() < 0.35:
                span = max(1, (end - committee.formed_on).days)
                vacated = committee.formed_on + dt.timedelta(days=rng.randrange(span))
                filled = vacated + dt.timedelta(days=rng.randrange(200)) if rng.random() < 0.8 else None
                vacancies.append(
                    Vacancy(
                        federation_id=committee.federation_id,
                        committee_id=committee.pk,
                        role=rng.choice(ROLES),
                        vacated_on=vacated,
                        filled_on=filled if filled and filled <= today else None,
                    )
                )
        _insert_batches(Term, terms, "terms", quiet)
        _insert_batches(Vacancy, vacancies, "vacancies", quiet)
        # Straight to the tables, so no write kept the rate summary: each district's computed once.
        for district in districts:
            rate_summary.refresh_federation(district.pk)
        # The other modules' records (lectures, duties, ...), each app's own generator.
        summary: list[str] = []
        now = timezone.now()
        for key, make in scale_generators.items():
            began = time.perf_counter()
            make(
                ScaleContext(
                    summary=summary,
                    rng=random.Random(f"{seed}:{key}"),
                    seed=seed,
                    federations=districts,
                    units=unit_objs,
                    today=today,
                    insert=lambda model, objs, label: _insert_batches(model, objs, label, quiet),
                    # All created at one moment (as core.bulk.create_tracked stamps them): one timestamp
                    # to prepare per column instead of one per row.
                    stamp={"created_at": now, "updated_at": now},
                )
            )
            summary.append(f"{key}: {time.perf_counter() - began:.1f} s")
        if not quiet:
            sys.stderr.write("".join(f"  {line}\n" for line in summary))
    return districts


class Command(BaseCommand):
    help = "Writes a province's worth of units, committees, terms and vacancies for measuring (bulk inserts)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--units", type=int, required=True)
        parser.add_argument(
            "--federations", type=int, default=1, help="district federations the units belong to"
        )
        parser.add_argument("--seed", type=int, default=2017)
        parser.add_argument(
            "--staff", default="", help="username of a federation staff account of the first district"
        )
        parser.add_argument("--password", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        from core import audit

        started = time.perf_counter()
        quiet = options["verbosity"] < 1
        with audit.acting_as(None, source="generate_scale"):
            districts = generate(
                options["units"], max(1, options["federations"]), options["seed"], quiet=quiet
            )
            if options["staff"]:
                from accounts.models import User
                from accounts.services import role_grant
                from core.roles import Role

                user = User.objects.create_user(
                    username=options["staff"], password=options["password"] or None, federation=districts[0]
                )
                user.must_change_password = False
                user.save(update_fields=["must_change_password"])
                role_grant(user=user, role=Role.FEDERATION_STAFF, federation_id=districts[0].pk)
                # And the district's hotline supervisor, for the benchmark's case list (a role that needs
                # a second factor: the benchmark marks its session verified as the tests do).
                role_grant(user=user, role=Role.HOTLINE_SUPERVISOR, federation_id=districts[0].pk)
        if connection.vendor == "postgresql":
            # The state autovacuum leaves a loaded database in, at once: statistics, by which PostgreSQL
            # plans (a self-check form's lectures: 157 ms before ANALYZE, 10 ms after, at 10,000 units), and
            # the visibility map, without which a count reads the table instead of its index (the unit
            # list's total at 100,000 units: a 36 ms sequential scan, 9 ms from the index). SQLite is
            # left without statistics: with them it planned a unit's page 12 times slower (ADR 0016).
            with connection.cursor() as cursor:
                # VACUUM cannot run in a transaction (a test's): there the statistics alone.
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")
        self.stdout.write(
            f"{options['units']:,} units in {len(districts)} federation(s) written in "
            f"{time.perf_counter() - started:.1f} s (first district: {districts[0].pk})"
        )
