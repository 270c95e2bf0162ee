"""The self-inspection's part of the demo district: the cycles of 2018 and 2020 (closed: most units
submitted, their weak items rectified, 2018 weaker than 2020 as the article tells, because the committee
registry and the units' answers were), this year's cycle for every unit, a dozen forms answered with
evidence and submitted (a few returned or still in draft), rectification items opened from the weak items
(some closed), highlights in every state (区教育局's among them, for `demo_liaison`) and one exchange
session presenting the published ones.

Written through the services (audited, checked), as the units and the staff would have done it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from core import clock
from core.registry import DemoContext

# (title, text, item number, state) — state "published", "submitted" or "draft".
HIGHLIGHTS = [
    (
        "“爱心妈咪小屋”让哺乳期女职工安心工作",
        "在办公楼二楼设立爱心妈咪小屋，配备冰箱、消毒柜和休息沙发，全年服务哺乳期女职工 12 人。"
        "小屋由工会和妇委会共同管理，女职工可在线预约。",
        8,
        "published",
    ),
    (
        "“巾帼读书会”每月一期",
        "妇委会牵头组织女干部读书会，全年举办 12 期，围绕家庭教育、法律常识、健康生活等主题分享，"
        "参加 320 人次，形成读书笔记汇编一册。",
        5,
        "published",
    ),
    (
        "女职工健康体检全覆盖",
        "协调区妇幼保健院为本单位女职工开展“两癌”筛查和健康体检，覆盖率 100%，并建立健康档案。",
        8,
        "published",
    ),
    (
        "执委联系户走访常态化",
        "单位执委每季度走访联系的困难女职工家庭，记录履职日志 48 条，帮助解决子女入学等实际问题 6 件。",
        9,
        "published",
    ),
    (
        "暑期职工子女托管班",
        "利用单位活动室开办暑期托管班四周，志愿者教师授课，解决 36 名职工子女暑期看护难题。",
        8,
        "submitted",
    ),
    (
        "“家风家教”主题分享会",
        "邀请区志愿讲师团讲授《如何与孩子有效沟通》，组织女职工分享家风故事。",
        5,
        "submitted",
    ),
]


def _pdf(title: str) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    body = f"%PDF-1.4\n% {title}\n%%EOF\n".encode()
    return SimpleUploadedFile(f"{title}.pdf", body, content_type="application/pdf")


@dataclass(frozen=True)
class PastYear:
    """How a past cycle went: how many units did not submit, how well the self items were answered
    (0..1), the share with their rules filed (item 4), the highlights of the year."""

    year: int
    not_submitted: int
    strength: float
    rules_filed: float
    highlights: tuple[tuple[str, str], ...]


PAST_YEARS = (
    PastYear(2018, not_submitted=5, strength=0.3, rules_filed=0.45, highlights=()),
    PastYear(
        2020,
        not_submitted=1,
        strength=0.8,
        rules_filed=0.9,
        highlights=(
            (
                "疫情防控中的巾帼身影",
                "妇委会组织 46 名女干部下沉社区，参与核酸检测点值守和居家隔离人员服务。",
            ),
            (
                "“云课堂”家庭教育讲座",
                "疫情期间通过线上平台开展家庭教育讲座 6 场，职工及家属 900 余人次收看。",
            ),
        ),
    ),
)


def _past_cycle(ctx: DemoContext, template: Any, past: PastYear, liaison_unit: Any) -> tuple[Any, int, int]:
    """A past year's cycle as it went then: opened for the units of that year, answered and submitted by
    most before the deadline (the dates moved back, as a service dates a move today), the weak items
    rectified during the next year, then closed. Returns the cycle, the forms submitted and the
    rectification items."""
    from assessment import services
    from assessment.models import (
        Cycle,
        CycleItem,
        Highlight,
        ItemAnswer,
        Rectification,
        SelfCheck,
        TemplateItem,
    )
    from orgs.models import Unit

    rng = ctx.rng
    fed_id = template.federation_id
    end = dt.date(past.year, 12, 31)
    deadline = dt.date(past.year, 12, 15)
    # The units of that year: those dissolved by the 2019 reform are in 2018's cycle, the new ones are not.
    units = list(
        Unit.objects.filter(federation_id=fed_id, requires_committee=True).active_on(end).order_by("id")
    )
    template_items = list(TemplateItem.objects.filter(template=template).order_by("number"))
    title = f"{past.year} 年度机关妇女工作量化自查"
    # Opened then: cycle_open refuses a deadline already past, so the cycle is made as it opened it.
    cycle = services._cycle_create(template, template_items, past.year, deadline, title, units, None)
    Cycle.objects.filter(pk=cycle.pk).update(created_at=_at(dt.date(past.year, 3, 1)))
    items = {i.number: i for i in CycleItem.objects.filter(cycle=cycle)}
    for n, (h_title, text) in enumerate(past.highlights):
        h = services.highlight_create(
            unit=liaison_unit if n == 0 else rng.choice(units),
            title=h_title,
            text=text,
            cycle=cycle,
            item_ids=[items[5].pk],
        )
        services.highlight_submit(highlight=h)
        services.highlight_publish(highlight=h)
        on = dt.date(past.year, 4 + 3 * n, 10)
        Highlight.objects.filter(pk=h.pk).update(submitted_on=on, published_on=on + dt.timedelta(days=6))
    forms = list(SelfCheck.objects.filter(cycle=cycle).select_related("unit").order_by("id"))
    others = [f for f in forms if f.unit_id != liaison_unit.pk]
    missing = {f.pk for f in rng.sample(others, past.not_submitted)}
    choices = len(items[8].params.get("choices", [])) or 3
    submitted = rectified = 0
    for f in forms:
        if f.pk in missing:
            continue
        filed = f.unit_id == liaison_unit.pk or rng.random() < past.rules_filed
        services.evidence_add(
            selfcheck=f,
            title=f"{f.unit.name}妇委会{past.year}年工作制度及计划" if filed else f"{f.unit.name}活动照片",
            item_ids=[items[4].pk, items[5].pk, items[8].pk] if filed else [items[5].pk, items[8].pk],
            upload=_pdf(f"{f.unit.name}{past.year}年材料"),
            effective_on=dt.date(past.year, 2, 20),
        )
        strong = rng.random() < past.strength
        activities = rng.randint(4, 8) if strong else rng.randint(0, 3)
        care = rng.randrange(choices) if strong else min(rng.randrange(choices), rng.randrange(choices))
        services.selfcheck_save(
            selfcheck=f,
            answers={
                items[5].pk: {"value": str(activities), "note": "主题党日、读书会" if activities else ""},
                items[8].pk: {"value": str(care), "note": ""},
            },
        )
        services.selfcheck_submit(selfcheck=f)
        submitted += 1
        # Most submitted in the last weeks before the deadline, a few a little late.
        when = _at(deadline - dt.timedelta(days=rng.randint(-6, 40)))
        SelfCheck.objects.filter(pk=f.pk).update(submitted_at=when)
        ItemAnswer.objects.filter(selfcheck=f).update(frozen_at=when)
        rows = services.rectifications_open(selfcheck=f, deadline=clock.today())
        rectified += len(rows)
        for r in rows:
            due = dt.date(past.year + 1, 6, 30)
            services.rectification_plan(
                rectification=r,
                measures="对照评估表逐项整改，明确时间节点",
                owner="妇委会主任",
                deadline=r.deadline,
            )
            # All were closed during the next year, a few after their deadline.
            services.rectification_close(rectification=r, note="已按整改方案完成，材料已归档")
            Rectification.objects.filter(pk=r.pk).update(
                deadline=due, closed_on=due + dt.timedelta(days=rng.randint(-150, 30))
            )
    Cycle.objects.filter(pk=cycle.pk).update(status=Cycle.Status.CLOSED)
    return cycle, submitted, rectified


def _at(day: dt.date) -> dt.datetime:
    from django.utils import timezone

    return timezone.make_aware(dt.datetime.combine(day, dt.time(10)))


def load_demo(ctx: DemoContext) -> None:
    from assessment import services
    from assessment.models import CycleItem, Highlight, SelfCheck

    org = ctx.data["org"]
    rng = ctx.rng
    fed = org.federation
    staff, liaison = org.users["demo_staff"], org.users["demo_liaison"]
    today = clock.today()
    template = services.template_create_default(federation_id=fed.pk, acting_user=staff)
    liaison_unit = org.units["区教育局"]
    history = []
    for past in PAST_YEARS:
        if past.year < today.year:
            history.append((past.year, *_past_cycle(ctx, template, past, liaison_unit)))
    cycle = services.cycle_open(
        template=template, year=today.year, deadline=today + dt.timedelta(days=30), acting_user=staff
    )
    items = {i.number: i for i in CycleItem.objects.filter(cycle=cycle)}
    forms = list(SelfCheck.objects.filter(cycle=cycle).select_related("unit").order_by("unit__name"))
    # Highlights first (item 10 of the forms submitted below counts them).
    units = [f.unit for f in forms if f.unit.pk != liaison_unit.pk]
    authors = [liaison_unit, *rng.sample(units, len(HIGHLIGHTS) - 1)]
    made = []
    start = dt.date(today.year, 1, 1)
    for n, (unit, (title, text, number, state)) in enumerate(zip(authors, HIGHLIGHTS, strict=True)):
        h = services.highlight_create(
            unit=unit, title=title, text=text, cycle=cycle, item_ids=[items[number].pk]
        )
        services.highlight_submit(highlight=h)
        if state == "published":
            services.highlight_publish(highlight=h, acting_user=staff)
        # Moved to the dates they would have had over the year (a service dates a move today).
        submitted_on = max(start, today - dt.timedelta(days=40 * (len(HIGHLIGHTS) - n) + 10))
        Highlight.objects.filter(pk=h.pk).update(
            submitted_on=submitted_on,
            published_on=min(today, submitted_on + dt.timedelta(days=5)) if state == "published" else None,
        )
        made.append(h)
    services.highlight_create(
        unit=liaison_unit,
        title="“巾帼建功”示范岗创建（草稿）",
        text="拟在窗口科室评选巾帼建功示范岗 3 个，待补充照片后报送。",
        cycle=cycle,
        item_ids=[items[5].pk],
        acting_user=liaison,
    )
    services.session_create(
        federation_id=fed.pk,
        title=f"{today.year} 年机关妇女工作经验交流会",
        held_on=today - dt.timedelta(days=7),
        place="区妇联三楼会议室",
        notes="各单位妇委会主任参加，四家单位作交流发言。",
        highlight_ids=[h.pk for h in made if h.status == "published"],
        acting_user=staff,
    )
    # A dozen forms answered with evidence and submitted; the liaison's own stays in draft.
    submitted = 0
    chosen = [f for f in forms if f.unit.pk != liaison_unit.pk][:12]
    choices = len(items[8].params.get("choices", [])) or 3
    for f in chosen:
        services.evidence_add(
            selfcheck=f,
            title=f"{f.unit.name}妇委会工作制度及年度计划",
            item_ids=[items[4].pk, items[5].pk, items[8].pk],
            upload=_pdf(f"{f.unit.name}工作制度"),
            effective_on=dt.date(today.year, 1, 15),
        )
        answers = {
            items[5].pk: {"value": str(rng.randint(1, 6)), "note": "主题党日、读书会、专题讲座"},
            items[8].pk: {"value": str(rng.randrange(choices)), "note": ""},
        }
        services.selfcheck_save(selfcheck=f, answers=answers)
        services.selfcheck_submit(selfcheck=f)
        submitted += 1
    # Rectification items from the weak items of half of them; two of those closed already.
    opened = 0
    for f in chosen[:6]:
        rows = services.rectifications_open(selfcheck=f, deadline=today + dt.timedelta(days=60))
        opened += len(rows)
        for r in rows[:1]:
            services.rectification_plan(
                rectification=r,
                measures="制定整改方案，明确时间节点",
                owner="妇委会主任",
                deadline=r.deadline,
            )
    for f in chosen[:2]:
        first = f.rectifications.order_by("id").first()
        if first is not None:
            services.rectification_close(rectification=first, note="已按方案完成整改，材料已归档")
    for _year, past_cycle, n_submitted, n_rectified in history:
        ctx.summary.append(
            f"量化自查：{past_cycle.title}（已结束），{past_cycle.forms.count()} 份自查表（{n_submitted} 份已提交），"
            f"{n_rectified} 条整改事项"
        )
    ctx.summary.append(
        f"量化自查：{cycle.title}，{len(forms)} 份自查表（{submitted} 份已提交），{opened} 条整改事项，"
        f"{len(made) + 1} 条亮点，1 次经验交流会"
    )


def present() -> bool:
    from assessment.models import Cycle

    return Cycle.objects.exists()
