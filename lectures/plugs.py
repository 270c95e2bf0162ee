"""What the lectures app contributes to the platform's registries (called from LecturesConfig.ready)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.metrics import Measurement

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def hosted_or_attended(unit_id: int, start: dt.date, end: dt.date, limit: int) -> Measurement:
    """lectures.hosted_or_attended: held lectures the unit hosted plus those its people attended (each once)."""
    from core.metrics import EvidenceLink, Measurement
    from lectures import selectors

    lectures = selectors.unit_lectures(unit_id, start, end)
    evidence = tuple(
        EvidenceLink(
            label=(_("%(day)s %(title)s（主办）") if lec.host_unit_id == unit_id else _("%(day)s %(title)s（参加）"))
            % {"day": f"{lec.starts_at:%Y-%m-%d}", "title": lec.topic.title},
            url=reverse("lectures:lecture-detail", args=[lec.pk]),
        )
        for lec in lectures[:limit]
    )
    return Measurement(value=Decimal(lectures.count()), evidence=evidence)


def volunteer_hours(unit_id: int, start: dt.date, end: dt.date, limit: int) -> Measurement:
    """lectures.volunteer_hours: credited service hours of the unit's volunteers in the period."""
    from core.metrics import EvidenceLink, Measurement
    from lectures import selectors

    total, credits = selectors.unit_volunteer_hours(unit_id, start, end)
    evidence = tuple(
        EvidenceLink(
            label=f"{v.person.name} {lec.starts_at:%Y-%m-%d} {lec.topic.title} {h} 小时",
            url=reverse("lectures:lecture-detail", args=[lec.pk]),
        )
        for v, lec, h in credits[:limit]
    )
    return Measurement(value=total, evidence=evidence)


def register() -> None:
    from core.metrics import Metric, metrics
    from core.registry import (
        DemoLoader,
        HomeCard,
        audit_action_labels,
        demo_loaders,
        home_cards,
        scale_generators,
    )
    from core.reminders import reminder_producers
    from core.roles import Role
    from core.testing.world import WorldExtender, world_extenders
    from lectures import demo, reminders, scale, testing, views

    audit_action_labels.register("lectures.volunteer_categories", _("修改志愿者专业类别"))
    audit_action_labels.register("lectures.topic_lecturers", _("设置课题讲师"))
    metrics.register(
        "lectures.hosted_or_attended",
        Metric(label=_("主办或参加的讲座"), unit_label=_("场"), measure=hosted_or_attended),
    )  # type: ignore[arg-type]
    metrics.register(
        "lectures.volunteer_hours",
        Metric(label=_("本单位志愿者服务时长"), unit_label=_("小时"), measure=volunteer_hours),
    )  # type: ignore[arg-type]
    demo_loaders.register("lectures.demo", DemoLoader(load=demo.load_demo, present=demo.present), order=40)
    scale_generators.register("lectures.scale", scale.generate, order=40)
    reminder_producers.register("lectures.orders", reminders.PRODUCER, order=40)
    reminder_producers.register("lectures.qualifications", reminders.QUALIFICATION_PRODUCER, order=41)
    home_cards.register(
        "lectures.volunteer",
        HomeCard(
            template="lectures/home_volunteer.html",
            context=views.volunteer_card,
            roles=frozenset({Role.VOLUNTEER}),
        ),
        order=30,
    )
    home_cards.register(
        "lectures.requester",
        HomeCard(
            template="lectures/home_requester.html",
            context=views.requester_card,
            roles=frozenset({Role.REQUESTER}),
        ),
        order=31,
    )
    world_extenders.register("lectures.rows", WorldExtender(extend=testing.add_lecture_rows), order=40)
