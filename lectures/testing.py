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
