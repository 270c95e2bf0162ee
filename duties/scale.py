"""The duty system's part of `manage.py generate_scale` (core.registry.scale_generators).

Proportioned like the demo district (duties.demo, 57 units): per 57 units of a district about 30
executives (a new person of a unit each) with their division of contact (their unit, a women's group for
every third, a family for every fifth: its name, phone and address encrypted at rest) and 3 to 8 contact
logs each; the roster of the last two years and the next two weeks (Monday, Wednesday and Friday, the
hotline in the morning and the reception desk in the afternoon: one executive per desk and 57 units, at
most MAX_PER_DESK, since a district has one hotline and one desk however many units it has);
about 200 hotline cases of the last two years (the caller's name, phone, address and story encrypted,
the phone's keyed hash set as the intake service sets it, the older cases mostly closed, referred ones
with their referral); and 6 suggestions in every state.

Bulk inserts (no audit events, no services), deterministic for the run's seed. The cases are confidential
(core.confidential): written under an explicit system scope, which the audit log records.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from core import confidential
from core.bulk import insert_values
from core.registry import ScaleContext
from duties.demo import (
    CASE_STORIES,
    GIVEN,
    GROUPS,
    REFERRAL_TO,
    STATE_ODDS,
    STATES,
    SUBJECTS,
    SUGGESTIONS,
    SURNAMES,
    WAYS,
)
from duties.models import ContactAssignment, ContactLog, Executive, HotlineCase, Referral, Shift, Suggestion
from duties.services import mask_identity
from orgs.models import Person

DEMO_UNITS = 57
CHUNK = 20_000
SUGGESTION_STATES = ("submitted", "accepted", "information", "assigned", "answered", "closed")


# Executives on one desk at once, in the largest district.
MAX_PER_DESK = 3


def _per(count: float, units: int) -> int:
    return max(1, round(count * units / DEMO_UNITS))


def _name(rng: Any) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def generate(ctx: ScaleContext) -> None:
    rng, today, stamp = ctx.rng, ctx.today, ctx.stamp
    by_federation = ctx.active_units_by_federation()
    feds = [f.pk for f in ctx.federations if f.pk in by_federation]
    appointed = dt.date(2021, 3, 8)

    # Executives, each a new person of one of the units.
    people: list[Person] = []
    for fed_id in feds:
        units = by_federation[fed_id]
        for unit in rng.sample(units, min(len(units), _per(30, len(units)))):
            people.append(Person(**stamp, federation_id=fed_id, unit_id=unit.pk, name=_name(rng), title="执委"))
    ctx.insert(Person, people, "people")
    executives = [
        Executive(**stamp, federation_id=p.federation_id, person_id=p.pk, unit_id=p.unit_id, started_on=appointed)
        for p in people
    ]
    ctx.insert(Executive, executives, "executives")
    executives_of: dict[int, list[Executive]] = {}
    for e in executives:
        executives_of.setdefault(e.federation_id, []).append(e)

    # Division of contact and the contacts of the last two years.
    assignments: list[ContactAssignment] = []
    targets_of: dict[int, list[ContactAssignment]] = {}
    for i, e in enumerate(executives):
        mine = [
            ContactAssignment(
                **stamp,
                federation_id=e.federation_id,
                executive_id=e.pk,
                kind="unit",
                unit_id=e.unit_id,
                assigned_on=dt.date(2021, 4, 1),
            )
        ]
        if i % 3 == 0:
            mine.append(
                ContactAssignment(
                    **stamp,
                    federation_id=e.federation_id,
                    executive_id=e.pk,
                    kind="group",
                    group_name=GROUPS[i % len(GROUPS)],
                    assigned_on=dt.date(2022, 1, 1),
                )
            )
        if i % 5 == 0:
            mine.append(
                ContactAssignment(
                    **stamp,
                    federation_id=e.federation_id,
                    executive_id=e.pk,
                    kind="family",
                    family_name=_name(rng),
                    family_phone=f"139{rng.randint(10000000, 99999999)}",
                    family_address="某街道某小区",
                    assigned_on=dt.date(2022, 1, 1),
                )
            )
        targets_of[e.pk] = mine
        assignments += mine
    ctx.insert(ContactAssignment, assignments, "assignments")
    logs: list[dict[str, Any]] = []
    for e in executives:
        for day in sorted(today - dt.timedelta(days=rng.randint(5, 700)) for _ in range(rng.randint(3, 8))):
            logs.append(
                {
                    **stamp,
                    "federation_id": e.federation_id,
                    "assignment_id": rng.choice(targets_of[e.pk]).pk,
                    "executive_id": e.pk,
                    "contacted_on": day,
                    "way": rng.choice(WAYS),
                    "subject": rng.choice(SUBJECTS),
                    "reached": rng.random() > 0.15,
                }
            )
    insert_values(ContactLog, logs)

    # The roster: two years back and two weeks ahead; the past signed in (or not), some future slots open.
    # Written from plain values (no keys needed back but those of the shifts served, read after).
    shifts: list[dict[str, Any]] = []
    n_shifts = 0
    for fed_id in feds:
        team = executives_of[fed_id]
        per_desk = min(MAX_PER_DESK, _per(1, len(by_federation[fed_id])))
        turn = 0
        day = today - dt.timedelta(days=730)
        while day <= today + dt.timedelta(days=14):
            if day.weekday() in (0, 2, 4):
                for desk, start, end in (("hotline", 9, 12), ("reception", 14, 17)):
                    for _ in range(per_desk):
                        e = team[turn % len(team)]
                        turn += 1
                        checked = None
                        if day < today and rng.random() > 0.07:
                            checked = timezone.make_aware(dt.datetime.combine(day, dt.time(start, rng.randint(0, 10))))
                        open_slot = day > today + dt.timedelta(days=7) and turn % 4 == 0
                        shifts.append(
                            {
                                **stamp,
                                "federation_id": fed_id,
                                "desk": desk,
                                "on": day,
                                "starts_at": dt.time(start),
                                "ends_at": dt.time(end),
                                "executive_id": None if open_slot else e.pk,
                                "checked_in_at": checked,
                            }
                        )
            day += dt.timedelta(days=1)
            if len(shifts) >= CHUNK:
                n_shifts += insert_values(Shift, shifts)
                shifts = []
    n_shifts += insert_values(Shift, shifts)
    shifts_on: dict[tuple[int, dt.date, str], list[tuple[int, int]]] = {}
    served = (
        Shift.objects.filter(federation_id__in=feds).served().order_by("pk")
        .values_list("pk", "federation_id", "on", "desk", "executive_id")
    )
    for pk, fed_id, on, desk, executive_id in served.iterator(chunk_size=CHUNK):
        shifts_on.setdefault((fed_id, on, desk), []).append((pk, executive_id))

    # Hotline cases of the last two years, taken on the shift of the day; their steps' outcome only.
    cases: list[HotlineCase] = []
    for fed_id in feds:
        n = _per(200, len(by_federation[fed_id]))
        for received in sorted((today - dt.timedelta(days=rng.randint(1, 728)) for _ in range(n)), reverse=True):
            category, story = CASE_STORIES[rng.randrange(len(CASE_STORIES))]
            channel = "visit" if rng.random() < 0.2 else "call"
            on_shift = shifts_on.get((fed_id, received, "reception" if channel == "visit" else "hotline"))
            shift = rng.choice(on_shift) if on_shift else None
            name, phone = _name(rng), f"13{rng.randint(100000000, 999999999)}"
            age = (today - received).days
            odds = next(o for limit, o in STATE_ODDS if age > limit)
            final = rng.choices(STATES, weights=odds)[0]
            cases.append(
                HotlineCase(
                    **stamp,
                    federation_id=fed_id,
                    executive_id=shift[1] if shift else None,
                    shift_id=shift[0] if shift else None,
                    received_on=received,
                    channel=channel,
                    category=category,
                    urgent=category == "violence" and rng.random() < 0.5,
                    caller_name=name,
                    caller_phone=phone,
                    caller_address=f"某街道{rng.choice(['愉园', '龙西', '尚景', '回龙埔'])}社区某小区",
                    narrative=story,
                    masked_identity=mask_identity(name, phone),
                    status=final,
                    closed_on=min(received + dt.timedelta(days=rng.randint(3, 60)), today) if final == "closed" else None,
                )
            )
    with confidential.system_scope("规模测试数据：热线个案"):
        ctx.insert(HotlineCase, cases, "cases")
        referrals = []
        for case in cases:
            if case.status in ("referred", "follow_up") or (case.status == "closed" and rng.random() < 0.3):
                body, receiving = REFERRAL_TO[rng.randrange(len(REFERRAL_TO))]
                referrals.append(
                    Referral(
                        **stamp,
                        federation_id=case.federation_id,
                        case_id=case.pk,
                        body=body,
                        receiving_body=receiving,
                        referred_on=min(case.received_on + dt.timedelta(days=rng.randint(0, 5)), today),
                        consent=True,
                    )
                )
        ctx.insert(Referral, referrals, "referrals")

    # Suggestions in every state.
    suggestions = []
    for fed_id in feds:
        units, team = by_federation[fed_id], executives_of[fed_id]
        for i in range(_per(6, len(units))):
            title, background = SUGGESTIONS[i % len(SUGGESTIONS)]
            state = SUGGESTION_STATES[i % len(SUGGESTION_STATES)]
            submitted = today - dt.timedelta(days=rng.randint(20, 700))
            assigned = state in ("assigned", "answered", "closed")
            answered = state in ("answered", "closed")
            suggestions.append(
                Suggestion(
                    **stamp,
                    federation_id=fed_id,
                    author_id=rng.choice(team).pk,
                    title=title,
                    background=background,
                    proposal="建议有关部门研究解决。",
                    submitted_on=submitted,
                    status=state,
                    lead_unit_id=rng.choice(units).pk if assigned else None,
                    reply_due=submitted + dt.timedelta(days=90) if assigned else None,
                    result=rng.choice(["adopted", "solving", "planned", "explained"]) if answered else "",
                    reply="已研究办理。" if answered else "",
                    answered_on=min(submitted + dt.timedelta(days=rng.randint(10, 80)), today) if answered else None,
                    rating=rng.choice(["satisfied", "basic"]) if state == "closed" else "",
                )
            )
    ctx.insert(Suggestion, suggestions, "suggestions")
    ctx.summary.append(
        f"{len(executives):,} executives, {len(assignments):,} assignments, {len(logs):,} contact logs, "
        f"{n_shifts:,} shifts, {len(cases):,} hotline cases, {len(suggestions):,} suggestions"
    )
