"""The self-inspection's part of `manage.py generate_scale` (core.registry.scale_generators).

Per district: the default template (its ten items) and this year's cycle opened from it, as
`services.cycle_open` opens one (the items copied, a form with an empty answer per item for every active
unit that needs a committee); about one form in eight submitted (its answers not scored: the scores of a
submission are the services' work, not test data's). Bulk inserts (no audit events, no services).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext

from assessment.defaults import DEFAULT_ITEMS, DEFAULT_TEMPLATE_NAME
from assessment.models import Cycle, CycleItem, ItemAnswer, SelfCheck, Template, TemplateItem
from assessment.services import _clean_params, cycle_item_copies
from core.bulk import insert_values
from core.registry import ScaleContext


def generate(ctx: ScaleContext) -> None:
    rng, today, stamp = ctx.rng, ctx.today, ctx.stamp
    feds = [f.pk for f in ctx.federations]
    templates = [Template(**stamp, federation_id=fed, name=gettext(DEFAULT_TEMPLATE_NAME)) for fed in feds]
    ctx.insert(Template, templates, "templates")
    items = [
        TemplateItem(
            **stamp,
            federation_id=t.federation_id,
            template_id=t.pk,
            number=spec.number,
            title=gettext(spec.title),
            points=spec.points,
            guidance=gettext(spec.guidance),
            kind=spec.kind.value,
            params=_clean_params(spec.kind.value, spec.params),
            evidence_required=spec.evidence_required,
            na_allowed=spec.na_allowed,
            threshold=spec.threshold,
        )
        for t in templates
        for spec in DEFAULT_ITEMS
    ]
    ctx.insert(TemplateItem, items, "items")
    title = gettext("%(year)s 年度机关妇女工作量化自查") % {"year": today.year}
    cycles = [
        Cycle(
            **stamp,
            federation_id=t.federation_id,
            year=today.year,
            title=title,
            deadline=today + dt.timedelta(days=60),
            template_id=t.pk,
            template_name=t.name,
            template_revision=t.revision,
        )
        for t in templates
    ]
    ctx.insert(Cycle, cycles, "cycles")
    cycle_of = {c.federation_id: c for c in cycles}
    copies = [
        copy
        for t in templates
        for copy in cycle_item_copies(
            [i for i in items if i.federation_id == t.federation_id], cycle_of[t.federation_id]
        )
    ]
    ctx.insert(CycleItem, copies, "cycle items")
    copies_of: dict[int, list[int]] = {}
    for c in copies:
        copies_of.setdefault(c.cycle_id, []).append(c.pk)
    forms = []
    for unit in ctx.units:
        if unit.dissolved_on is not None or not unit.requires_committee:
            continue
        submitted = rng.random() < 0.125
        forms.append(
            SelfCheck(
                **stamp,
                federation_id=unit.federation_id,
                cycle_id=cycle_of[unit.federation_id].pk,
                unit_id=unit.pk,
                status=SelfCheck.Status.SUBMITTED if submitted else SelfCheck.Status.DRAFT,
                submitted_at=(
                    timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=rng.randrange(30)), dt.time(10)))
                    if submitted
                    else None
                ),
            )
        )
    ctx.insert(SelfCheck, forms, "forms")
    # The answers need no keys back: written from plain values, a batch at a time.
    now = timezone.now()
    answers = 0
    batch: list[dict[str, object]] = []
    for index, form in enumerate(forms):
        batch += [
            {"federation_id": form.federation_id, "selfcheck_id": form.pk, "item_id": item, "created_at": now,
             "updated_at": now}
            for item in copies_of[form.cycle_id]
        ]
        if len(batch) >= 20_000 or index == len(forms) - 1:
            answers += insert_values(ItemAnswer, batch)
            batch = []
    ctx.summary.append(f"{len(cycles):,} self-check cycles, {len(forms):,} forms, {answers:,} answers")
