"""The document library's rows in the test world (core.testing.world), in both federations:

fed_a   `handbook_a` (published, guiding items 4 and 5, with a PDF), `plan_a` with a draft `draft_a` under
        the open consultation `consultation_a` (addressed to volunteers and to unit_a1 — its liaison and the
        people working there, not `other_liaison` of unit_a2 — deadline in 14 days) with `comment_a` by the
        liaison; `spare_draft_a` (a draft of the handbook, not consulted on)
fed_b   `rules_b` (published, guiding item 1), `consultation_b` (open, addressed to liaisons) on `draft_b`

The notices the openings sent are removed (tests of notices open a consultation of their own).
"""

from __future__ import annotations

import datetime as dt

from core import clock
from core.roles import Role
from core.testing.world import World

HANDBOOK_BODY = (
    "前言\n供各单位日常查阅。\n\n第一章 组织建设\n组建、换届、补缺。\n\n第二章 制度建设\n工作制度与年度计划。"
)
PLAN_BODY = "一、组建目的\n发挥女干部专业特长。\n\n二、讲师来源\n自愿报名。\n\n三、服务方式\n平台点单。"


def add_to_world(world: World) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from documents import services

    deadline = clock.today() + dt.timedelta(days=14)
    handbook = services.document_create(
        federation_id=world.fed_a.pk, kind="handbook", title="机关妇女工作实务", item_numbers=[4, 5]
    )
    services.version_add(
        document=handbook,
        label="第一版",
        body=HANDBOOK_BODY,
        publish=True,
        upload=SimpleUploadedFile(
            "实务.pdf", b"%PDF-1.4\n% handbook\n%%EOF\n", content_type="application/pdf"
        ),
    )
    spare = services.version_add(document=handbook, label="修订稿", body=HANDBOOK_BODY + "\n补充内容。")
    plan = services.document_create(federation_id=world.fed_a.pk, kind="other", title="志愿讲师团组建方案")
    draft_a = services.version_add(document=plan, label="征求意见稿", body=PLAN_BODY)
    consultation_a = services.consultation_open(
        version=draft_a,
        deadline=deadline,
        roles=[Role.VOLUNTEER],
        unit_ids=[world.unit_a1.pk],
        title="志愿讲师团方案征求意见稿",
    )
    comment_a = services.comment_add(
        consultation=consultation_a,
        section_id=draft_a.sections.get(number=2).pk,
        text="建议明确聘期。",
        author=world.liaison,
    )
    rules_b = services.document_create(
        federation_id=world.fed_b.pk, kind="working_rules", title="外区妇委会工作办法", item_numbers=[1]
    )
    services.version_add(document=rules_b, label="2020 年版", body="第一章 总则\n外区办法。", publish=True)
    plan_b = services.document_create(federation_id=world.fed_b.pk, kind="other", title="外区讲师团方案")
    draft_b = services.version_add(document=plan_b, label="征求意见稿", body=PLAN_BODY)
    consultation_b = services.consultation_open(
        version=draft_b, deadline=deadline, roles=[Role.UNIT_LIAISON], title="外区方案征求意见稿"
    )
    # The notices of opening go: other apps' tests count the personas' notifications.
    from core.models import Notification

    Notification.objects.filter(kind="consultation_open").delete()
    world.add(
        handbook_a=handbook,
        spare_draft_a=spare,
        plan_a=plan,
        draft_a=draft_a,
        consultation_a=consultation_a,
        comment_a=comment_a,
        rules_b=rules_b,
        draft_b=draft_b,
        consultation_b=consultation_b,
    )
