"""The duty system of the demo district: about 30 executives with assignments and contact logs, the
roster of the last two years and the next weeks (swaps, no-shows), about 200 hotline cases with invented
details in every state (referrals in every state), quarterly exchange meetings (the last one with its
sign-in sheet attached) and suggestions in every state, their steps dated. `demo_executive` (林秀英) and
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
    # The roster of the last two years and the next two weeks (Monday, Wednesday and Friday: hotline
    # mornings, reception afternoons); most past shifts checked in, a few no-shows, swaps past and open.
    stamps = Stamps()
    shifts, past_shifts = _load_roster(ctx, fed, staff, mine, executives, today, stamps)
    on_duty = services.shift_publish(
        federation=fed,
        on=today,
        starts_at=dt.time(0),
        ends_at=dt.time(23, 59),
        executive=mine,
        acting_user=staff,
    )
    shifts += 1
    # Hotline cases with invented details, in every state, with referrals in every state.
    cases = _load_cases(ctx, fed, supervisor, me, on_duty, past_shifts, today, stamps)
    meetings = _load_meetings(ctx, fed, staff, executives, today)
    suggestions = _load_suggestions(ctx, fed, staff, mine, executives, units, today, stamps)
    stamps.apply()
    ctx.summary.append(
        f"{len(executives)} 名执委、{logs} 条联系记录、{shifts} 个班次、{cases} 件热线个案、"
        f"{meetings} 次交流会、{suggestions} 条建言献策"
    )


class Stamps:
    """Dates the steps of demo records as if they had been taken on those days: a record's lifecycle
    steps (core.models.StateChange) get the given days, in order, and some date fields of the records
    themselves; applied in a few statements once everything is loaded."""

    def __init__(self) -> None:
        self.steps: dict[tuple[str, str], list[dt.date]] = {}
        self.fields: list[tuple[Any, int, dict[str, Any]]] = []

    def step(self, obj: Any, *days: dt.date) -> None:
        self.steps.setdefault((obj._meta.label_lower, str(obj.pk)), []).extend(days)

    def set(self, model: Any, pk: int, **values: Any) -> None:
        self.fields.append((model, pk, values))

    def apply(self) -> None:
        from core.models import StateChange

        types = {t for t, _ in self.steps}
        rows = StateChange.objects.filter(object_type__in=types).order_by("id")
        seen: dict[tuple[str, str], int] = {}
        changed = []
        for row in rows:
            key = (row.object_type, row.object_id)
            days = self.steps.get(key)
            if not days:
                continue
            i = seen.get(key, 0)
            seen[key] = i + 1
            if i < len(days):
                row.at = _at(days[i], 9 + (i * 2) % 8)
                changed.append(row)
        StateChange.objects.bulk_update(changed, ["at"], batch_size=500)
        for model, pk, values in self.fields:
            model._base_manager.filter(pk=pk).update(**values)


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _load_roster(
    ctx: DemoContext,
    fed: Any,
    staff: Any,
    mine: Executive,
    executives: list[Executive],
    today: dt.date,
    stamps: Stamps,
) -> tuple[int, dict[tuple[dt.date, str], Shift]]:
    rng = ctx.rng
    past: dict[tuple[dt.date, str], Shift] = {}
    history: list[Shift] = []
    day = today - dt.timedelta(days=730)
    turn = 0
    while day <= today + dt.timedelta(days=14):
        if day.weekday() in (0, 2, 4):
            for desk, start, end in (("hotline", 9, 12), ("reception", 14, 17)):
                e = executives[turn % len(executives)]
                turn += 1
                if e.pk == mine.pk and today <= day <= today + dt.timedelta(days=1):
                    e = executives[turn % len(executives)]  # 林秀英 has her own shifts those days
                if day < today:
                    # The past, as the desk's sign-in sheets record it (in one statement: it is long).
                    checked = None
                    if rng.random() > 0.07:
                        checked = timezone.make_aware(
                            dt.datetime.combine(day, dt.time(start, rng.randint(0, 10)))
                        )
                    history.append(
                        Shift(
                            federation_id=fed.pk,
                            on=day,
                            starts_at=dt.time(start),
                            ends_at=dt.time(end),
                            desk=desk,
                            executive=e,
                            checked_in_at=checked,
                            created_at=_at(day - dt.timedelta(days=30)),
                            updated_at=_at(day, start),
                        )
                    )
                else:
                    open_slot = day > today + dt.timedelta(days=7) and turn % 4 == 0
                    services.shift_publish(
                        federation=fed,
                        on=day,
                        starts_at=dt.time(start),
                        ends_at=dt.time(end),
                        desk=desk,
                        executive=None if open_slot else e,
                        acting_user=staff,
                    )
        day += dt.timedelta(days=1)
    for shift in Shift.objects.bulk_create(history, batch_size=500):
        past[(shift.on, shift.desk)] = shift
    services.shift_publish(
        federation=fed,
        on=today + dt.timedelta(days=1),
        starts_at=dt.time(9),
        ends_at=dt.time(12),
        executive=mine,
        acting_user=staff,
    )
    _past_swaps(ctx, past, executives, stamps)
    # Swaps to come: one approved, one taken waiting for staff, one offered to 林秀英 (and the others).
    future = list(
        Shift.objects.filter(federation=fed, on__gt=today + dt.timedelta(days=1), executive__isnull=False)
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
    return Shift.objects.filter(federation_id=fed.pk).count(), past


SWAP_NOTES = ["单位临时加班", "孩子生病", "外出培训", "家中有事", "参加区里会议"]


def _past_swaps(
    ctx: DemoContext, past: dict[tuple[dt.date, str], Shift], executives: list[Executive], stamps: Stamps
) -> None:
    """About one shift in twenty-five of the past was swapped (offered, taken, approved before its day);
    a few offers nobody took lapsed, a few were rejected or withdrawn."""
    from duties.models import SWAP_MACHINE, ShiftSwap

    rng = ctx.rng
    on_day: dict[dt.date, set[int]] = {}
    for (day, _desk), shift in past.items():
        if shift.executive_id:
            on_day.setdefault(day, set()).add(shift.executive_id)
    for n, ((day, _desk), shift) in enumerate(sorted(past.items(), key=lambda kv: kv[0])):
        if shift.executive_id is None or n % 25 != 7:
            continue
        offered = day - dt.timedelta(days=rng.randint(3, 10))
        swap = ShiftSwap(
            federation_id=shift.federation_id,
            shift=shift,
            offered_by_id=shift.executive_id,
            note=rng.choice(SWAP_NOTES),
        )
        swap.save()
        stamps.set(ShiftSwap, swap.pk, created_at=_at(offered, 8))
        fate = rng.random()
        if fate < 0.12:
            continue  # nobody took it: it lapsed on the shift's day
        if fate < 0.18:
            SWAP_MACHINE.move(swap, "withdraw")
            stamps.step(swap, offered + dt.timedelta(days=1))
            continue
        free = [e for e in executives if e.pk not in on_day.get(day, set()) and e.pk != shift.executive_id]
        taker = rng.choice(free)
        swap.taken_by = taker
        SWAP_MACHINE.move(swap, "take")
        if fate < 0.25:
            SWAP_MACHINE.move(swap, "reject", reason="当天接访人手已满，请按原班值班")
            stamps.step(swap, offered + dt.timedelta(days=1), offered + dt.timedelta(days=2))
            continue
        SWAP_MACHINE.move(swap, "approve")
        stamps.step(swap, offered + dt.timedelta(days=1), offered + dt.timedelta(days=2))
        shift.executive = taker
        shift.save()
        on_day[day].add(taker.pk)


# Final states of a past case by its age: (closed, follow-up, referred, in progress, received).
STATE_ODDS = [
    (120, (0.86, 0.07, 0.04, 0.03, 0.0)),
    (30, (0.58, 0.18, 0.12, 0.10, 0.02)),
    (0, (0.22, 0.16, 0.22, 0.25, 0.15)),
]
STATES = ("closed", "follow_up", "referred", "in_progress", "received")
REFERRAL_TO = [
    ("legal_aid", "区法律援助中心"),
    ("police", "龙城派出所"),
    ("counselling", "区心理咨询中心"),
    ("shelter", "区妇女儿童庇护中心"),
    ("court", "区人民法院家事审判庭"),
    ("hospital", "区人民医院"),
    ("other", "区总工会职工服务中心"),
]
CASE_BODIES = {
    "violence": ["police", "shelter", "legal_aid", "counselling"],
    "marriage": ["legal_aid", "court", "counselling"],
    "labour": ["other", "legal_aid"],
    "inheritance": ["legal_aid", "court"],
    "children": ["court", "legal_aid"],
    "psychology": ["counselling", "hospital"],
    "policy": ["other"],
    "other": ["other"],
}
FOLLOW_UP_NOTES = [
    "电话回访，当事人情况好转。",
    "回访得知已到法律援助中心办理手续。",
    "当事人表示问题已基本解决，感谢帮助。",
    "上门回访，了解孩子近况，情绪稳定。",
    "回访未接通，次日再次联系上。",
]


def _load_cases(
    ctx: DemoContext,
    fed: Any,
    supervisor: Any,
    me: Any,
    on_duty: Shift,
    past_shifts: dict[tuple[dt.date, str], Shift],
    today: dt.date,
    stamps: Stamps,
) -> int:
    """About 200 cases of the last two years: taken on the shift of the day (calls at the hotline, visits
    at the reception desk) or by the supervisor; the older ones mostly closed, the recent ones still open,
    every step dated when it was taken."""
    from duties.models import REFERRAL_MACHINE, Referral

    rng = ctx.rng
    bodies = dict(REFERRAL_TO)
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
        days = sorted((today - dt.timedelta(days=rng.randint(1, 728)) for _ in range(198)), reverse=True)
        for i, received in enumerate(days):
            category, story = CASE_STORIES[rng.randrange(len(CASE_STORIES))]
            channel = "visit" if rng.random() < 0.2 else "call"
            shift = past_shifts.get((received, "reception" if channel == "visit" else "hotline"))
            on_shift = shift is not None and shift.executive_id is not None
            taker = me if on_shift and shift.executive_id == on_duty.executive_id else supervisor  # type: ignore[union-attr]
            name, phone = rng.choice(SURNAMES) + rng.choice(GIVEN), f"13{rng.randint(100000000, 999999999)}"
            age = (today - received).days
            odds = next(o for limit, o in STATE_ODDS if age > limit)
            # The first cases (the newest) make sure every state is there.
            final = STATES[i] if i < len(STATES) else rng.choices(STATES, weights=odds)[0]
            case = HotlineCase(
                federation_id=fed.pk,
                taker=taker,
                executive_id=shift.executive_id if on_shift else None,  # type: ignore[union-attr]
                shift=shift if on_shift else None,
                received_on=received,
                channel=channel,
                category=category,
                urgent=category == "violence" and rng.random() < 0.5,
                caller_name=name,
                caller_phone=phone,
                caller_address=f"龙城街道{rng.choice(['愉园', '龙西', '尚景', '回龙埔'])}社区某小区",
                narrative=story,
                masked_identity=services.mask_identity(name, phone),
            )
            case.save()
            stamps.set(HotlineCase, case.pk, created_at=_at(received, 9 + i % 8))
            n += 1
            if final == "received":
                continue

            def later(day: dt.date, low: int, high: int) -> dt.date:
                return min(day + dt.timedelta(days=rng.randint(low, high)), today)

            started = later(received, 0, 1)
            services.case_move(case=case, transition="start", acting_user=supervisor)
            steps = [started]
            referred = final in ("referred", "follow_up") or (final == "closed" and rng.random() < 0.45)
            day = started
            if referred:
                day = later(started, 0, 3)
                body = rng.choice(CASE_BODIES[category])
                referral = services.referral_create(
                    case=case,
                    body=body,
                    receiving_body=bodies[body],
                    consent=True,
                    follow_up_on=day + dt.timedelta(days=rng.randint(14, 30)),
                    acting_user=supervisor,
                )
                steps.append(day)
                stamps.set(Referral, referral.pk, referred_on=day, created_at=_at(day, 11))
                answered = later(day, 1, 5)
                if final == "referred" and (age < 14 or rng.random() < 0.3):
                    pass  # still waiting for the receiving body
                elif rng.random() < 0.1:
                    REFERRAL_MACHINE.move(referral, "decline", reason="不属于本单位受理范围，建议另行转介")
                    stamps.step(referral, answered)
                else:
                    REFERRAL_MACHINE.move(referral, "accept")
                    stamps.step(referral, answered)
                    if final == "closed":
                        finished = later(answered, 5, 40)
                        if rng.random() < 0.05:
                            REFERRAL_MACHINE.move(referral, "revoke", reason="当事人撤回求助")
                        else:
                            REFERRAL_MACHINE.move(referral, "done")
                        stamps.step(referral, finished)
            if final in ("follow_up", "closed") and (referred or rng.random() < 0.5):
                day = later(day, 7, 20)
                services.case_follow_up(
                    case=case, on=day, notes=rng.choice(FOLLOW_UP_NOTES), acting_user=supervisor
                )
                if case.status == "follow_up":
                    steps.append(day)
            if final == "closed":
                day = later(day, 1, 30)
                services.case_move(case=case, transition="close", acting_user=supervisor)
                steps.append(day)
                stamps.set(HotlineCase, case.pk, closed_on=day)
            stamps.step(case, *steps)
    return n


def _load_meetings(
    ctx: DemoContext, fed: Any, staff: Any, executives: list[Executive], today: dt.date
) -> int:
    """Quarterly exchange meetings of this year and the last, with attendance and minutes; the last one
    held has its sign-in sheet (Excel) attached."""
    rng = ctx.rng
    meetings = 0
    series = services.series_create(
        federation=fed,
        title="执委季度交流会",
        venue="区妇联三楼会议室",
        agenda_template="一、交流联系群众和值班情况\n二、热线个案研判\n三、征集建言献策",
        acting_user=staff,
    )
    last_held = None
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
                last_held = meeting
    if last_held is not None:
        _attach_papers(last_held, staff)
    return meetings


def _attach_papers(meeting: Any, staff: Any) -> None:
    """The meeting's sign-in sheet as a workbook (core.excel). (Its minutes are text on the meeting; a PDF
    through core.pdf would cost the demo a second or two of WeasyPrint.)"""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from core import excel
    from duties.models import Attendance

    rows = Attendance.objects.filter(meeting=meeting).select_related("executive__person").order_by("pk")
    sheet = excel.Sheet(
        title="签到表",
        columns=[excel.Column("序号", 8), excel.Column("姓名", 14), excel.Column("出席情况", 12)],
        rows=([i, a.executive.person.name, a.get_status_display()] for i, a in enumerate(rows, start=1)),
        preamble=[[excel.Cell(f"{meeting.title} 签到表", "title")]],
    )
    services.meeting_attach(
        meeting=meeting,
        upload=SimpleUploadedFile("签到表.xlsx", excel.workbook_bytes([sheet])),
        title="签到表",
        acting_user=staff,
    )


REPLY_TEXT = "经研究，已会同有关部门落实，具体如下……"


def _load_suggestions(
    ctx: DemoContext,
    fed: Any,
    staff: Any,
    mine: Executive,
    executives: list[Executive],
    units: list[Any],
    today: dt.date,
    stamps: Stamps,
) -> int:
    """Suggestions of the last year in every state, their steps dated: submitted ones waiting for staff,
    some kept as information, assigned ones with replies due (overdue, soon, later, one extended),
    answered ones waiting for their authors' ratings (林秀英's among them), rated ones."""
    from duties.models import Suggestion

    rng = ctx.rng
    count = 0
    plan = [
        # (days ago submitted, final state, days from today to the reply's due date for assigned ones)
        (5, "submitted", None),
        (12, "submitted", None),
        (40, "information", None),
        (150, "information", None),
        (20, "accepted", None),
        (25, "assigned", 70),
        (60, "assigned", 40),
        (80, "assigned", 9),
        (105, "assigned", -12),  # overdue (also on the committees demo's fixed day)
        (200, "assigned", 30),  # extended once
        (100, "answered", None),
        (130, "answered", None),
        (170, "answered", None),
        (220, "closed", None),
        (260, "closed", None),
        (290, "closed", None),
        (320, "closed", None),
        (350, "closed", None),
    ]
    for i, (ago, final, due_in) in enumerate(plan):
        title, background = SUGGESTIONS[i % len(SUGGESTIONS)]
        author = mine if i in (7, 10, 15) else executives[(i * 7) % len(executives)]
        submitted = today - dt.timedelta(days=ago)
        s = services.suggestion_submit(
            author=author,
            title=title,
            background=background,
            proposal="建议相关部门研究解决，并纳入年度民生实事。",
            submitted_on=submitted,
        )
        count += 1
        steps: list[dt.date] = []
        accepted_on = submitted + dt.timedelta(days=rng.randint(2, 7))
        if final == "submitted":
            continue
        services.suggestion_accept(suggestion=s, as_information=final == "information", acting_user=staff)
        steps.append(min(accepted_on, today))
        if final not in ("information", "accepted"):
            assigned_on = accepted_on + dt.timedelta(days=rng.randint(1, 5))
            services.suggestion_assign(
                suggestion=s, lead_unit=rng.choice(units), co_units="区卫健局", acting_user=staff
            )
            steps.append(assigned_on)
            due = assigned_on + dt.timedelta(days=services.REPLY_DAYS)
            if final == "assigned" and due_in is not None:
                if ago >= 150:
                    services.suggestion_extend(
                        suggestion=s, reason="涉及多个部门，需进一步协调", acting_user=staff
                    )
                    steps.append(assigned_on + dt.timedelta(days=80))
                due = today + dt.timedelta(days=due_in)
            if final in ("answered", "closed"):
                answered_on = min(assigned_on + dt.timedelta(days=rng.randint(30, 85)), today)
                services.suggestion_answer(
                    suggestion=s,
                    result=rng.choice(list(Suggestion.Result.values)),
                    reply=REPLY_TEXT,
                    acting_user=staff,
                )
                steps.append(answered_on)
                stamps.set(Suggestion, s.pk, reply_due=due, answered_on=answered_on)
                if final == "closed":
                    services.suggestion_rate(
                        suggestion=s, rating=rng.choice(["satisfied", "satisfied", "basic", "unsatisfied"])
                    )
                    steps.append(min(answered_on + dt.timedelta(days=rng.randint(3, 15)), today))
            else:
                stamps.set(Suggestion, s.pk, reply_due=due)
        stamps.step(s, *steps)
    return count


def present() -> bool:
    return Executive.objects.exists()
