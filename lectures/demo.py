"""The lecture system's part of the demo district: about 40 volunteers across the categories, the article's
six topics and 24 more (30 in the library by the end of 2020, some revised), lectures from 2018 to today with
registrations, attendance and feedback, and orders from the communities in every state. `demo_volunteer`
gives lectures; `demo_requester` orders for her community.

Written through the services (audited, checked) except where the past must be dated: lectures and orders
are made as they would have been, then moved to their dates (a service refuses a start in the past).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from core.registry import DemoContext
from orgs.models import Person

# The article's topics first (category, title, audience, outline), then others of the library.
ARTICLE_TOPICS = [
    (
        "家庭教育",
        "如何与孩子有效沟通",
        "家长",
        "一、倾听孩子\n二、共情与接纳\n三、正面表达\n四、亲子沟通案例",
    ),
    ("经济金融", "GDP国民经济核算", "机关女干部", "一、GDP是什么\n二、三种核算方法\n三、读懂统计公报"),
    ("安全应急", "户外运动救援", "户外运动爱好者", "一、常见险情\n二、自救与互救\n三、求救信号"),
    ("健康急救", "心肺复苏", "社区居民", "一、识别心脏骤停\n二、胸外按压\n三、AED 的使用\n四、现场演练"),
    ("法律", "如何协助同事解决家事纠纷", "妇委会干部", "一、家事纠纷的类型\n二、调解技巧\n三、转介渠道"),
    (
        "法律",
        "民法典之婚姻家庭篇",
        "机关女职工",
        "一、结婚与夫妻关系\n二、离婚冷静期\n三、家庭财产\n四、继承",
    ),
]
MORE_TOPICS = [
    ("家庭教育", "青春期孩子的心理与陪伴"),
    ("家庭教育", "隔代教育的得与失"),
    ("家庭教育", "家庭阅读习惯养成"),
    ("法律", "反家庭暴力法解读"),
    ("法律", "女职工劳动权益保护"),
    ("法律", "网络诈骗防范与维权"),
    ("健康急救", "女性常见疾病预防"),
    ("健康急救", "海姆立克急救法"),
    ("健康急救", "更年期健康管理"),
    ("经济金融", "家庭理财入门"),
    ("经济金融", "识别非法集资"),
    ("心理", "职场女性压力管理"),
    ("心理", "情绪管理与自我关怀"),
    ("心理", "亲密关系中的沟通"),
    ("安全应急", "居家消防安全"),
    ("安全应急", "防台风与防汛常识"),
    ("安全应急", "儿童防拐与防性侵教育"),
    ("文化", "客家文化与龙岗历史"),
    ("文化", "传统节日与家风传承"),
    ("文化", "茶艺与生活美学"),
    ("其他", "垃圾分类从我做起"),
    ("其他", "智能手机使用入门（长者班）"),
    ("心理", "产后抑郁的识别与支持"),
    ("家庭教育", "二孩家庭的亲子关系"),
]
FEEDBACK = [
    "很实用，回去就用上了",
    "案例生动",
    "希望再多一些互动",
    "讲得很清楚",
    "时间有点紧",
    "非常受启发",
    "",
]


def _at(day: dt.date, hour: int = 14) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour, 30))


def load_demo(ctx: DemoContext) -> None:
    from core import audit, clock
    from lectures import services
    from lectures.models import Lecture, LectureRequest, Topic, TopicVersion, Volunteer
    from orgs.demo import random_name

    org = ctx.data["org"]
    rng = ctx.rng
    fed = org.federation
    today = clock.today()
    categories = {c.name: c for c in services.category_defaults_ensure(federation=fed)}
    units = [u for u in org.units.values() if u.dissolved_on is None]

    # Volunteers: the demo volunteer first, then ~40 cadres of the units.
    users = org.users
    demo_person = users["demo_volunteer"].person if "demo_volunteer" in users else None
    volunteers = []
    if demo_person is not None:
        volunteers.append(
            services.volunteer_register(
                person=demo_person,
                categories=[categories["健康急救"], categories["家庭教育"]],
                bio="区人民医院急诊科护士长，红十字会急救培训师。",
                availability="每周三下午、周末",
            )
        )
    names = list(categories)
    for i in range(40):
        unit = rng.choice(units)
        person = Person.objects.create(federation=fed, unit=unit, name=random_name(rng), title="干部")
        chosen = [categories[names[i % len(names)]]] + (
            [categories[rng.choice(names)]] if rng.random() < 0.3 else []
        )
        volunteers.append(
            services.volunteer_register(
                person=person,
                categories=list(dict.fromkeys(chosen)),
                bio=f"{unit.name}干部，热心志愿服务。",
                yearly_limit=rng.choice([6, 8, 12]),
            )
        )
    by_category: dict[str, list[Any]] = {}
    for v in volunteers:
        for c in v.categories.all():
            by_category.setdefault(c.name, []).append(v)

    # The library: 30 topics in by the end of 2020, some revised after rehearsals (打磨), each reviewed first.
    reviewers = _demo_reviewers(fed, users)
    topics = []
    specs = [(c, t, a, o) for c, t, a, o in ARTICLE_TOPICS] + [
        (c, t, "机关女干部" if i % 2 else "社区居民", f"一、{t}的基本知识\n二、案例分析\n三、互动答疑")
        for i, (c, t) in enumerate(MORE_TOPICS)
    ]
    for i, (cat, title, audience, outline) in enumerate(specs):
        pool = by_category.get(cat) or volunteers
        proposer = volunteers[0] if demo_person and title in ("心肺复苏", "户外运动救援") else rng.choice(pool)
        topic = services.topic_propose(
            proposer=proposer,
            title=title,
            category=categories[cat],
            outline=outline,
            audience=audience,
            duration_minutes=rng.choice([60, 90, 90, 120]),
        )
        _demo_reviews(topic, reviewers, rng)
        services.topic_review(topic=topic, accept=True, comment="内容扎实，同意入库。")
        if i % 4 == 0:
            services.topic_revise(
                topic=Topic.objects.get(pk=topic.pk),
                outline=outline + "\n附：试讲后补充的互动环节",
                changes="根据试讲反馈增加互动",
            )
            services.topic_review(topic=Topic.objects.get(pk=topic.pk), accept=True)
        others = [v for v in pool if v.pk != proposer.pk][:1]
        if others:
            services.topic_set_lecturers(topic=topic, lecturers=[proposer, *others])
        added = dt.date(2018, 3, 1) + dt.timedelta(days=int(i * 1000 / len(specs)))  # all by end of 2020
        Topic.objects.filter(pk=topic.pk).update(added_on=added)
        TopicVersion.objects.filter(topic=topic).update(submitted_at=_at(added))
        topics.append(Topic.objects.get(pk=topic.pk))
    waiting = services.topic_propose(
        proposer=volunteers[1],
        title="职场妈妈的时间管理",
        category=categories["心理"],
        outline="一、时间从哪里来\n二、四象限法",
        audience="机关女职工",
    )
    _demo_reviews(waiting, reviewers[:1], rng)

    # Lectures from 2018 to today: scheduled as they were, then dated; registrations, attendance, feedback.
    people = list(Person.objects.filter(federation=fed, volunteer__isnull=True)[:200])
    communities = list(org.communities.values())
    made = 0
    now = timezone.now()
    with audit.acting_as(None, source="demo"):
        day = dt.date(2018, 4, 10)
        while day < today - dt.timedelta(days=3):
            topic = rng.choice([t for t in topics if t.added_on and t.added_on <= day] or topics[:1])
            lecturers = list(topic.lecturers.all())[:1]
            host = rng.choice(units) if rng.random() < 0.6 else None
            lec = services.lecture_schedule(
                topic=topic,
                lecturers=lecturers,
                starts_at=now + dt.timedelta(days=1),
                venue=(f"{host.name}会议室" if host else f"{rng.choice(communities).name}党群服务中心"),
                capacity=rng.choice([30, 40, 60]),
                host_unit=host,
                community=None if host else rng.choice(communities),
            )
            attendees = rng.sample(people, k=min(len(people), rng.randint(6, 14)))
            regs = [services.registration_create(lecture=lec, person=p) for p in attendees]
            Lecture.objects.filter(pk=lec.pk).update(starts_at=_at(day))
            lec = Lecture.objects.get(pk=lec.pk)
            for r in regs:
                if r.status == "registered":
                    r.attendance = "attended" if rng.random() < 0.85 else rng.choice(["absent", "excused"])
                    r.save()
            services.lecture_hold(lecture=lec)
            for r in regs:
                if r.attendance == "attended" and rng.random() < 0.5:
                    services.feedback_give(
                        registration=r,
                        relevance=rng.randint(4, 5),
                        content=rng.randint(3, 5),
                        delivery=rng.randint(3, 5),
                        comment=rng.choice(FEEDBACK),
                    )
            made += 1
            day += dt.timedelta(days=rng.randint(25, 50))
        # Upcoming lectures open for registration, two of them by the demo volunteer.
        for k in range(4):
            topic = topics[3] if k < 2 and demo_person else rng.choice(topics)
            lecturers = [volunteers[0]] if k < 2 and demo_person else list(Volunteer.objects.filter(topics=topic))[:1]
            lec = services.lecture_schedule(
                topic=topic,
                lecturers=lecturers,
                starts_at=_at(today + dt.timedelta(days=7 + 9 * k)),
                venue="区妇女儿童活动中心",
                capacity=30,
                host_unit=rng.choice(units),
            )
            for p in rng.sample(people, k=10):
                services.registration_create(lecture=lec, person=p)

        # Orders (点单) from the communities, in every state.
        requester = users.get("demo_requester")
        contact_community = requester.person.community if requester is not None and requester.person else None
        staff = users.get("demo_staff")
        states = [
            "new",
            "new",
            "matched",
            "confirmed",
            "held",
            "rated",
            "rated",
            "rejected",
            "withdrawn",
            "matched",
            "held",
            "new",
        ]
        for i, state in enumerate(states):
            community = (
                contact_community if i < 5 and contact_community else communities[i % len(communities)]
            )
            topic = topics[i % len(topics)]
            order = services.request_create(
                topic=topic,
                requested_by=requester if community == contact_community else None,
                community=community,
                venue=f"{community.name}活动室",
                preferred_date=today + dt.timedelta(days=20 + i),
                expected_size=30,
                audience="社区居民",
            )
            if state == "rejected":
                services.request_move(
                    order=order,
                    transition="reject",
                    reason="该时段课题讲师均已排满，建议改期",
                    acting_user=staff,
                )
                continue
            if state == "withdrawn":
                services.request_move(order=order, transition="withdraw", reason="社区活动取消")
                continue
            if state == "new":
                continue
            lecturer = (
                volunteers[0]
                if demo_person and i in (2, 3)
                else (list(topic.lecturers.all()) or volunteers)[0]
            )
            services.request_match(order=order, volunteer=lecturer, acting_user=staff)
            if state == "matched":
                continue
            order = services.request_accept(
                order=LectureRequest.objects.get(pk=order.pk),
                starts_at=_at(today + dt.timedelta(days=10 + i)),
            )
            if state == "confirmed":
                continue
            ordered = order.lecture
            assert ordered is not None  # an accepted order has its scheduled lecture
            held_on = today - dt.timedelta(days=30 + 10 * i)
            Lecture.objects.filter(pk=ordered.pk).update(starts_at=_at(held_on))
            # Ordered some weeks before it was held (the overview's time from order to lecture).
            ordered_on = held_on - dt.timedelta(days=12 + 3 * i)
            LectureRequest.objects.filter(pk=order.pk).update(created_at=_at(ordered_on))
            services.lecture_hold(lecture=Lecture.objects.get(pk=ordered.pk))
            if state == "rated":
                services.request_rate(
                    order=LectureRequest.objects.get(pk=order.pk),
                    rating=5,
                    comment="居民反响热烈，希望再来。",
                )
        _qualifications_and_other_service(rng, today, volunteers, topics, staff, has_demo=demo_person is not None)
    ctx.summary.append(
        f"{len(volunteers)} 名巾帼志愿者，课题库 {len(topics)} 个课题，{made} 场已举办的讲座，"
        f"{len(states)} 个点单"
    )


# A scan stands for the certificate or sign-in sheet a volunteer uploads (checked by content: a PDF).
DEMO_SCAN = b"%PDF-1.4\n% demo scan\n"


def _qualifications_and_other_service(
    rng: Any, today: dt.date, volunteers: list[Any], topics: list[Any], staff: Any, *, has_demo: bool
) -> None:
    """心肺复苏 requires a first-aid instructor certificate: the demo volunteer's lapses within the month (a
    reminder), another lecturer's lapsed last year (marked in the ranking); other service, approved and not."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from lectures import services

    def scan(name: str) -> Any:
        return SimpleUploadedFile(name, DEMO_SCAN, content_type="application/pdf")

    first_aid = "急救培训导师证"
    holders = volunteers[:1] if has_demo else []
    for v in holders:
        services.qualification_add(
            volunteer=v,
            name=first_aid,
            issued_on=today - dt.timedelta(days=3 * 365 - 20),
            valid_until=today + dt.timedelta(days=20),
            upload=scan("急救培训导师证.pdf"),
        )
    for v in volunteers[1:4]:
        services.qualification_add(
            volunteer=v,
            name=first_aid,
            issued_on=today - dt.timedelta(days=4 * 365),
            valid_until=today - dt.timedelta(days=365),
        )
    cpr = next((t for t in topics if t.title == "心肺复苏"), None)
    if cpr is not None:
        services.topic_require_qualification(topic=cpr, name=first_aid, acting_user=staff)
    for i, v in enumerate(volunteers[:8]):
        row = services.other_service_record(
            volunteer=v,
            served_on=today - dt.timedelta(days=15 + 20 * i),
            hours=rng.choice(["2", "3.5", "4", "6"]),
            description=rng.choice(["巾帼志愿服务站值班", "社区儿童之家亲子阅读", "妇女议事会协助记录"]),
            upload=scan("签到表.pdf"),
        )
        if i % 3 != 2:
            services.other_service_decide(service=row, approve=True, acting_user=staff)


def present() -> bool:
    from lectures.models import Topic

    return Topic.objects.exists()


def _demo_reviewers(fed: Any, users: dict[str, Any]) -> list[Any]:
    """The review (lectures.review): the default criteria, the demo staff, and the demo executive and volunteer
    invited as reviewers."""
    from lectures import review

    review.settings_for(fed.pk)
    out = [users[name] for name in ("demo_staff", "demo_executive", "demo_volunteer") if name in users]
    for user in out[1:]:
        review.reviewer_invite(federation=fed, user=user, email=False)
    return out


def _demo_reviews(topic: Any, reviewers: list[Any], rng: Any) -> None:
    """Reviews of the topic's pending version by the reviewers who may score it (not their own topics)."""
    from lectures import review
    from lectures.models import ReviewTopic

    criteria = review.criteria_of(topic.federation_id)
    comments = ["内容实用，案例贴近基层。", "建议增加互动环节。", "结构清晰，表达生动。"]
    for user in reviewers:
        if not ReviewTopic.objects.permitted(user, "score").filter(pk=topic.pk).exists():
            continue
        review.review_submit(
            topic=topic,
            reviewer=user,
            scores={c.pk: rng.choice([3, 4, 4, 5, 5]) for c in criteria},
            comment=rng.choice(comments),
        )
