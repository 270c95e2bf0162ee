"""The duty system of the demo district: about 30 executives with assignments and contact logs, the
roster of the last half year and the next weeks (swaps, no-shows), hotline cases with invented details in
every state, quarterly exchange meetings and suggestions in every state. `demo_executive` (林秀英) and
`demo_supervisor` (黄静) have work waiting."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from core import clock, confidential
from core.registry import DemoContext
from duties import services
from duties.models import Executive, HotlineCase, Shift
from orgs.models import Person

WAYS = ["visit", "phone", "wechat", "meeting"]
SUBJECTS = [
    "走访了解女职工生育休假落实情况",
    "电话回访困难妇女家庭",
    "微信了解托育需求",
    "座谈会听取女职工意见",
    "了解单亲母亲就业困难",
    "宣传《民法典》婚姻家庭编",
    "了解母婴室建设情况",
    "慰问患病女职工",
]
GROUPS = ["园区女职工", "新就业形态女性劳动者", "单亲母亲互助小组", "留守老人家庭"]
CASE_STORIES = [
    ("violence", "来电人称丈夫酒后多次动手，现暂住娘家，担心孩子安全。"),
    ("marriage", "咨询离婚时共同房产如何分割，对方不同意协议离婚。"),
    ("labour", "怀孕后被公司调岗降薪，询问如何维权。"),
    ("inheritance", "父亲去世后兄弟不让其参与遗产分配。"),
    ("children", "离婚后对方拒绝支付抚养费已半年。"),
    ("psychology", "产后情绪低落，失眠，家人不理解。"),
    ("policy", "咨询生育津贴申领流程和材料。"),
    ("other", "反映社区活动场地不足，希望增加妇女活动时间。"),
]
SURNAMES = "王李张刘陈杨黄赵周吴徐孙马朱胡郭何林罗高"
GIVEN = ["秀兰", "桂英", "丽娟", "晓红", "海燕", "春梅", "玉珍", "雪梅", "丽萍", "慧敏", "静怡", "婷婷"]
SUGGESTIONS = [
    ("关于在区政务服务中心增设母婴室的建议", "政务服务中心每日接待哺乳期妇女较多，目前没有母婴室。"),
    ("关于扩大普惠托育服务供给的建议", "双职工家庭三岁以下婴幼儿托育需求突出。"),
    ("关于加强家庭暴力预防宣传的建议", "部分社区对《反家庭暴力法》知晓率不高。"),
    ("关于为新就业形态女性劳动者提供休息驿站的建议", "外卖、快递女骑手缺少休息和如厕场所。"),
    ("关于开展女职工“两癌”免费筛查的建议", "部分中小企业女职工未纳入筛查。"),
    ("关于在社区开设家庭教育讲座的建议", "家长普遍反映缺少与孩子有效沟通的方法。"),
]


def load_demo(ctx: DemoContext) -> None:
    org = ctx.data["org"]
    rng = ctx.rng
    fed = org.federation
    today = clock.today()
    staff, supervisor, me = org.users["demo_staff"], org.users["demo_supervisor"], org.users["demo_executive"]
    units = [u for u in org.units.values() if u.dissolved_on is None]
    communities = list(org.communities.values())
    # Executives: 林秀英 (demo_executive) and 29 staff of the units, appointed in 2021.
    executives: list[Executive] = [
        services.executive_appoint(federation=fed, person=me.person, started_on=dt.date(2021, 3, 8))
    ]
    taken = {me.person_id}
    for unit in rng.sample(units, min(29, len(units))):
        person = Person.objects.filter(unit=unit).exclude(pk__in=taken).order_by("pk").first()
        if person is None:
            person = Person.objects.create(
                federation=fed, unit=unit, name=rng.choice(SURNAMES) + rng.choice(GIVEN)
            )
        taken.add(person.pk)
        executives.append(
            services.executive_appoint(federation=fed, person=person, started_on=dt.date(2021, 3, 8))
        )
    # Division of contact and the contacts of the last two years.
    logs = 0
    for i, e in enumerate(executives):
        targets = (
            [
                services.assignment_create(
                    executive=e, kind="unit", unit=e.unit, assigned_on=dt.date(2021, 4, 1)
                )
            ]
            if e.unit
            else []
        )
        targets.append(
            services.assignment_create(
                executive=e,
                kind="community",
                community=communities[i % len(communities)],
                assigned_on=dt.date(2021, 4, 1),
            )
        )
        if i % 3 == 0:
            targets.append(
                services.assignment_create(
                    executive=e,
                    kind="group",
                    group_name=GROUPS[i % len(GROUPS)],
                    assigned_on=dt.date(2022, 1, 1),
                )
            )
        if i % 5 == 0:
            targets.append(
                services.assignment_create(
                    executive=e,
                    kind="family",
                    family_name=rng.choice(SURNAMES) + rng.choice(GIVEN),
                    family_phone=f"139{rng.randint(10000000, 99999999)}",
                    family_address="龙城街道某小区",
                    assigned_on=dt.date(2022, 1, 1),
                )
            )
        for day in sorted(today - dt.timedelta(days=rng.randint(5, 700)) for _ in range(rng.randint(3, 8))):
            services.contact_log_record(
                assignment=rng.choice(targets),
                contacted_on=day,
                way=rng.choice(WAYS),
                subject=rng.choice(SUBJECTS),
                reached=rng.random() > 0.15,
            )
            logs += 1
    mine = executives[0]
    services.contact_log_record(
        assignment=mine.assignments.order_by("pk").first(),  # type: ignore[arg-type]
        contacted_on=today - dt.timedelta(days=3),
        way="phone",
        subject="反映孩子入托困难",
        reached=True,
        follow_up_due=today + dt.timedelta(days=7),
    )
    # The roster: Monday, Wednesday and Friday, hotline mornings and reception afternoons, from half a year
    # ago to two weeks ahead; most past shifts checked in, a few no-shows.
    shifts = 0
    day = today - dt.timedelta(days=182)
    turn = 0
    while day <= today + dt.timedelta(days=14):
        if day.weekday() in (0, 2, 4):
            for desk, start, end in (("hotline", 9, 12), ("reception", 14, 17)):
                e = executives[turn % len(executives)]
                turn += 1
                open_slot = day > today + dt.timedelta(days=7) and turn % 4 == 0
                shift = services.shift_publish(
                    federation=fed,
                    on=day,
                    starts_at=dt.time(start),
                    ends_at=dt.time(end),
                    desk=desk,
                    executive=None if open_slot else e,
                    acting_user=staff,
                )
                if day < today and rng.random() > 0.08:
                    at = timezone.make_aware(dt.datetime.combine(day, dt.time(start, rng.randint(0, 10))))
                    services.shift_check_in(shift=shift, at=at, acting_user=staff)
                shifts += 1
        day += dt.timedelta(days=1)
    tomorrow = today + dt.timedelta(days=1)
    on_duty = services.shift_publish(
        federation=fed,
        on=today,
        starts_at=dt.time(0),
        ends_at=dt.time(23, 59),
        executive=mine,
        acting_user=staff,
    )
    services.shift_publish(
        federation=fed,
        on=tomorrow,
        starts_at=dt.time(9),
        ends_at=dt.time(12),
        executive=mine,
        acting_user=staff,
    )
    # Swaps: one approved, one taken waiting for staff, one offered to 林秀英.
    future = list(
        Shift.objects.filter(federation=fed, on__gt=tomorrow, executive__isnull=False)
        .exclude(executive=mine)
        .order_by("on", "starts_at")[:6]
    )
    if len(future) >= 3:
        approved = services.swap_offer(shift=future[0], note="单位临时加班")
        services.swap_take(swap=approved, executive=executives[5])
        services.swap_approve(swap=approved, acting_user=staff)
        waiting = services.swap_offer(shift=future[1], note="孩子生病")
        services.swap_take(swap=waiting, executive=executives[6])
        services.swap_offer(shift=future[2], note="外出培训，盼有人接班")
    # Hotline cases with invented details, in every state.
    cases = _load_cases(ctx, fed, supervisor, me, on_duty, today)
    # Quarterly exchange meetings with attendance and minutes.
    meetings = 0
    series = services.series_create(
        federation=fed,
        title="执委季度交流会",
        venue="区妇联三楼会议室",
        agenda_template="一、交流联系群众和值班情况\n二、热线个案研判\n三、征集建言献策",
        acting_user=staff,
    )
    for year in (today.year - 1, today.year):
        for quarter, month in enumerate((3, 6, 9, 12), start=1):
            held = dt.date(year, month, 25)
            meeting = services.meeting_schedule(
                federation=fed,
                title=f"{year}年第{quarter}季度执委交流会",
                held_on=held,
                venue=series.venue,
                agenda=series.agenda_template,
                series=series,
                acting_user=staff,
            )
            meetings += 1
            if held <= today:
                for e in executives:
                    roll = rng.random()
                    services.attendance_record(
                        meeting=meeting,
                        executive=e,
                        status="present" if roll < 0.8 else "excused" if roll < 0.93 else "absent",
                    )
                services.meeting_minutes(
                    meeting=meeting,
                    minutes="与会执委交流了联系群众和值班中发现的问题，"
                    "研判了近期家庭暴力类来电，布置下季度值班。",
                    acting_user=staff,
                )
    # Suggestions in every state; 林秀英's answered one waits for her rating.
    suggestions = 0
    for i, (title, background) in enumerate(SUGGESTIONS * 3):
        author = mine if i in (0, 7) else executives[(i * 7) % len(executives)]
        s = services.suggestion_submit(
            author=author,
            title=title,
            background=background,
            proposal="建议相关部门研究解决，并纳入年度民生实事。",
            submitted_on=today - dt.timedelta(days=300 - i * 15),
        )
        suggestions += 1
        stage = i % 6
        if stage == 0 or i == 0:
            pass
        if stage >= 1 and i != 0:
            services.suggestion_accept(suggestion=s, as_information=stage == 1, acting_user=staff)
        if stage >= 2 or i == 0:
            if i == 0:
                services.suggestion_accept(suggestion=s, acting_user=staff)
            services.suggestion_assign(
                suggestion=s, lead_unit=rng.choice(units), co_units="区卫健局", acting_user=staff
            )
        if stage >= 3 or i == 0:
            services.suggestion_answer(
                suggestion=s,
                result=["adopted", "solving", "planned", "explained"][i % 4],
                reply="经研究，已会同有关部门落实，具体如下……",
                acting_user=staff,
            )
        if stage >= 4 and i != 0:
            services.suggestion_rate(suggestion=s, rating=["satisfied", "basic", "unsatisfied"][i % 3])
    ctx.summary.append(
        f"{len(executives)} 名执委、{logs} 条联系记录、{shifts} 个班次、{cases} 件热线个案、"
        f"{meetings} 次交流会、{suggestions} 条建言献策"
    )


def _load_cases(ctx: DemoContext, fed: Any, supervisor: Any, me: Any, on_duty: Shift, today: dt.date) -> int:
    rng = ctx.rng
    n = 0
    with confidential.system_scope("演示数据：热线个案"), confidential.activate(supervisor):
        # Today's calls on 林秀英's shift, through the intake service (one urgent).
        with confidential.activate(me):
            for category, story in CASE_STORIES[:2]:
                services.case_intake(
                    federation=fed,
                    category=category,
                    narrative=story,
                    acting_user=me,
                    caller_name=rng.choice(SURNAMES) + rng.choice(GIVEN),
                    caller_phone=f"137{rng.randint(10000000, 99999999)}",
                    urgent=category == "violence",
                )
                n += 1
        for i in range(60):
            category, story = CASE_STORIES[i % len(CASE_STORIES)]
            name, phone = rng.choice(SURNAMES) + rng.choice(GIVEN), f"13{rng.randint(100000000, 999999999)}"
            received = today - dt.timedelta(days=rng.randint(1, 700))
            case = HotlineCase(
                federation_id=fed.pk,
                taker=supervisor,
                received_on=received,
                channel="visit" if i % 5 == 0 else "call",
                category=category,
                urgent=category == "violence" and i % 2 == 0,
                caller_name=name,
                caller_phone=phone,
                caller_address="龙城街道某小区",
                narrative=story,
                masked_identity=services.mask_identity(name, phone),
            )
            case.save()
            n += 1
            stage = i % 5
            if stage >= 1:
                services.case_move(case=case, transition="start", acting_user=supervisor)
            if stage >= 2:
                services.referral_create(
                    case=case,
                    body=["legal_aid", "police", "counselling", "shelter"][i % 4],
                    receiving_body=["区法律援助中心", "龙城派出所", "区心理咨询中心", "区妇女儿童庇护中心"][
                        i % 4
                    ],
                    consent=True,
                    follow_up_on=received + dt.timedelta(days=30),
                    acting_user=supervisor,
                )
            if stage >= 3:
                services.case_follow_up(
                    case=case,
                    on=min(received + dt.timedelta(days=20), today),
                    notes="电话回访，当事人情况好转。",
                    acting_user=supervisor,
                )
            if stage >= 4:
                services.case_move(case=case, transition="close", acting_user=supervisor)
    return n


def present() -> bool:
    return Executive.objects.exists()
