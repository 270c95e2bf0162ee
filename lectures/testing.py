"""The lecture rows of the test world (core.testing.world): in both federations, through the services.

fed_a   the default categories; `volunteer_a` (the `volunteer` persona's person, of unit_a1, active);
        `applicant_a` (a person of unit_a2 who applied)
fed_b   the default categories; `volunteer_b` (a person of unit_b1, active)
"""

from __future__ import annotations

from core.testing.world import World
from orgs.models import Person


def add_lecture_rows(world: World) -> None:
    from lectures import services

    cats_a = services.category_defaults_ensure(federation=world.fed_a)
    cats_b = services.category_defaults_ensure(federation=world.fed_b)
    volunteer_a = services.volunteer_register(
        person=world.volunteer.person,
        categories=cats_a[:2],
        bio="小学高级教师，家庭教育指导师。",
        availability="每周三下午",
    )
    applicant = Person.objects.create(federation=world.fed_a, unit=world.unit_a2, name="申请人李敏")
    applicant_a = services.volunteer_register(person=applicant, categories=cats_a[4:5], approved=False)
    person_b = Person.objects.create(federation=world.fed_b, unit=world.unit_b1, name="外区讲师王芳")
    volunteer_b = services.volunteer_register(person=person_b, categories=cats_b[1:2])
    world.add(
        cats_a=cats_a,
        cats_b=cats_b,
        volunteer_a=volunteer_a,
        applicant_a=applicant_a,
        volunteer_b=volunteer_b,
    )
    topic_a = services.topic_propose(
        proposer=volunteer_a,
        title="如何与孩子有效沟通",
        category=cats_a[0],
        outline="一、倾听\n二、共情\n三、表达",
        audience="家长",
    )
    services.topic_review(topic=topic_a, accept=True)
    proposal_a = services.topic_propose(
        proposer=volunteer_a,
        title="民法典之婚姻家庭篇",
        category=cats_a[1],
        outline="一、结婚\n二、离婚冷静期",
    )
    topic_b = services.topic_propose(
        proposer=volunteer_b, title="外区课题", category=cats_b[1], outline="大纲"
    )
    services.topic_review(topic=topic_b, accept=True)
    world.add(topic_a=topic_a, proposal_a=proposal_a, topic_b=topic_b)
    add_lectures(world)
    add_orders(world)
    add_service_rows(world)
    add_review_rows(world)


def add_service_rows(world: World) -> None:
    """Qualifications and other service in both federations: `qualification_a` (volunteer_a's, with a scan),
    `qualification_b`; `service_a` (volunteer_a's, pending), `service_b` (volunteer_b's, approved); and a
    calendar feed for the volunteer persona."""
    import datetime as dt

    from django.core.files.uploadedfile import SimpleUploadedFile

    from core import clock
    from lectures import services

    def scan() -> SimpleUploadedFile:
        return SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n% test scan\n", content_type="application/pdf")

    today = clock.today()
    qualification_a = services.qualification_add(
        volunteer=world.volunteer_a,
        name="家庭教育指导师证",
        issued_on=today - dt.timedelta(days=400),
        valid_until=today + dt.timedelta(days=400),
        upload=scan(),
    )
    qualification_b = services.qualification_add(
        volunteer=world.volunteer_b, name="律师执业证", issued_on=today - dt.timedelta(days=400), upload=scan()
    )
    service_a = services.other_service_record(
        volunteer=world.volunteer_a,
        served_on=today - dt.timedelta(days=5),
        hours=2,
        description="巾帼志愿服务站值班",
        upload=scan(),
    )
    service_b = services.other_service_record(
        volunteer=world.volunteer_b,
        served_on=today - dt.timedelta(days=5),
        hours=3,
        description="外区社区服务",
        upload=scan(),
    )
    services.other_service_decide(service=service_b, approve=True)
    services.feed_issue(user=world.volunteer)
    world.add(
        qualification_a=qualification_a,
        qualification_b=qualification_b,
        service_a=service_a,
        service_b=service_b,
    )


def add_lectures(world: World) -> None:
    """fed_a: `lecture_a` (scheduled next month at unit_a1, 2 places, the requester and executive registered,
    the liaison waitlisted), `held_a` (held last month, the volunteer lecturing, the requester attended with
    feedback, the liaison absent); fed_b: `lecture_b` (scheduled), `held_b` (held, the outsider attended)."""
    import datetime as dt

    from django.utils import timezone

    from lectures import services

    now = timezone.now()
    people = {name: world.users[name].person for name in ("requester", "executive", "liaison", "outsider")}
    lecture_a = services.lecture_schedule(
        topic=world.topic_a,
        lecturers=[world.volunteer_a],
        capacity=2,
        starts_at=now + dt.timedelta(days=30),
        venue="三楼会议室",
        host_unit=world.unit_a1,
    )
    reg_a = services.registration_create(lecture=lecture_a, person=people["requester"])
    services.registration_create(lecture=lecture_a, person=people["executive"])
    wait_a = services.registration_create(lecture=lecture_a, person=people["liaison"])
    held_a = services.lecture_schedule(
        topic=world.topic_a,
        lecturers=[world.volunteer_a],
        capacity=30,
        starts_at=now + dt.timedelta(days=1),
        venue="爱联社区党群服务中心",
        community=world.comm_a1,
    )
    attended_a = services.registration_create(lecture=held_a, person=people["requester"])
    absent_a = services.registration_create(lecture=held_a, person=people["liaison"])
    # It took place a month ago: registrations were taken before it started.
    from lectures.models import Lecture

    Lecture.objects.filter(pk=held_a.pk).update(starts_at=now - dt.timedelta(days=30))
    held_a.refresh_from_db()
    services.registration_mark(registration=attended_a, attendance="attended")
    services.registration_mark(registration=absent_a, attendance="absent")
    services.lecture_hold(lecture=held_a)
    attended_a.refresh_from_db()
    feedback_a = services.feedback_give(
        registration=attended_a, relevance=5, content=4, delivery=5, comment="很实用"
    )
    lecture_b = services.lecture_schedule(
        topic=world.topic_b,
        lecturers=[world.volunteer_b],
        capacity=20,
        starts_at=now + dt.timedelta(days=10),
        venue="外区会议室",
        host_unit=world.unit_b1,
    )
    held_b = services.lecture_schedule(
        topic=world.topic_b,
        lecturers=[world.volunteer_b],
        capacity=20,
        starts_at=now + dt.timedelta(days=1),
        venue="外区礼堂",
        host_unit=world.unit_b1,
    )
    attended_b = services.registration_create(lecture=held_b, person=people["outsider"])
    Lecture.objects.filter(pk=held_b.pk).update(starts_at=now - dt.timedelta(days=20))
    held_b.refresh_from_db()
    services.registration_mark(registration=attended_b, attendance="attended")
    services.lecture_hold(lecture=held_b)
    world.add(
        lecture_a=lecture_a,
        reg_a=reg_a,
        wait_a=wait_a,
        held_a=held_a,
        attended_a=attended_a,
        absent_a=absent_a,
        feedback_a=feedback_a,
        lecture_b=lecture_b,
        held_b=held_b,
        attended_b=attended_b,
    )


def add_orders(world: World) -> None:
    """fed_a: `order_a` (new, from comm_a1 by the requester), `offered_a` (offered to volunteer_a), `unit_order_a`
    (new, from unit_a1 by its liaison); fed_b: `order_b` (new, from comm_b1)."""
    import datetime as dt

    from core import clock
    from lectures import services

    soon = clock.today() + dt.timedelta(days=20)
    order_a = services.request_create(
        topic=world.topic_a,
        requested_by=world.requester,
        community=world.comm_a1,
        preferred_date=soon,
        venue="爱联社区党群服务中心",
        audience="社区妈妈",
        expected_size=40,
    )
    offered_a = services.request_create(
        topic=world.topic_a,
        requested_by=world.requester,
        community=world.comm_a1,
        preferred_date=soon,
        venue="爱联社区活动室",
    )
    services.request_match(order=offered_a, volunteer=world.volunteer_a)
    unit_order_a = services.request_create(
        topic=world.topic_a,
        requested_by=world.liaison,
        unit=world.unit_a1,
        preferred_date=soon,
        venue="三楼会议室",
    )
    order_b = services.request_create(
        topic=world.topic_b,
        requested_by=world.outsider,
        community=world.comm_b1,
        preferred_date=soon,
        venue="外区社区",
    )
    world.add(order_a=order_a, offered_a=offered_a, unit_order_a=unit_order_a, order_b=order_b)


def add_review_rows(world: World) -> None:
    """Topic review (lectures.review) in both federations: `reviewer_a` (the executive persona invited in fed_a),
    `review_a` (her review of proposal_a), `decision_a` (a staged decision on it: return, not released);
    `reviewer_b` (the outsider invited in fed_b); availability: volunteer_a away in ten months, volunteer_b
    every day."""
    import datetime as dt

    from core import clock
    from lectures import availability, review

    settings_a = review.settings_for(world.fed_a.pk)
    review.settings_for(world.fed_b.pk)
    reviewer_a = review.reviewer_invite(federation=world.fed_a, user=world.executive)
    reviewer_b = review.reviewer_invite(federation=world.fed_b, user=world.outsider)
    criteria = review.criteria_of(world.fed_a.pk)
    review_a = review.review_submit(
        topic=world.proposal_a,
        reviewer=world.executive,
        scores={c.pk: 4 for c in criteria},
        comment="案例充实",
    )
    review.phase_set(settings=settings_a, phase="decision")
    decision_a = review.decision_stage(topic=world.proposal_a, outcome="return", comment="请补充案例")
    settings_a.refresh_from_db()
    review.phase_set(settings=settings_a, phase="review")
    far = clock.today() + dt.timedelta(days=300)
    availability.availability_set(
        volunteer=world.volunteer_a, weekdays="", away=f"{far.isoformat()} {far.isoformat()} 出差"
    )
    availability.availability_set(volunteer=world.volunteer_b, weekdays="1234567", away="")
    # The invitation notices go: other apps' tests count the personas' notifications.
    from core.models import Notification

    Notification.objects.filter(kind="topic_reviewer").delete()
    world.add(reviewer_a=reviewer_a, reviewer_b=reviewer_b, review_a=review_a, decision_a=decision_a)
