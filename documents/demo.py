"""The document library's part of the demo district: the four documents the reform came with (invented
contents) and the closed consultation on the volunteer lecture team's plan (志愿讲师团方案征求意见稿), with
comments from the female cadres and the final version that says how each section's comments were handled.

Written through the services, as the staff and the cadres would have done it; the dates are moved back
afterwards (a service dates its writes today).
"""

from __future__ import annotations

import datetime as dt

from core import clock
from core.registry import DemoContext

EVALUATION_FORM = """说明
本表依据《机关妇女工作规范化标准化建设方案》制定，共 10 项，满分 100 分。标注“自动”的项目由平台根据台账数据自动评分。

一、组织建设（第 1—3 项）
1. 组织组建：单位按规定建立妇委会并在区妇联备案，得 10 分。
2. 按时换届：妇委会无超期服役，最近一次换届按期完成，得 10 分。
3. 及时补缺：委员缺位在 90 天内补齐，按补齐比例计分。

二、制度与活动（第 4—6 项）
4. 制度建设：有妇委会工作制度和本年度工作计划，上传文件即得分。
5. 思想引领：全年开展思想引领活动不少于 4 次。
6. 素质提升：主办或参加讲座、培训不少于 2 场。

三、服务与宣传（第 7—10 项）
7. 志愿服务：本单位志愿者全年服务时长达到要求。
8. 关爱服务：设立爱心妈咪小屋、组织健康体检、开展家庭支持等。
9. 执委履职：本单位执委的联系、值班、建言记录完整。
10. 宣传亮点：报送亮点工作信息并被采用。
"""

HANDBOOK = """前言
本书汇集机关妇委会日常工作的基本流程、常用文书和典型案例，供各单位妇委会主任、委员和联络员日常查阅。

第一章 组织建设
妇委会的组建条件、选举程序和备案材料；委员的职责分工；换届的时间安排和选举办法；委员缺位时的补选程序。

第二章 制度建设
妇委会工作制度、年度计划和总结的写法；会议纪要、活动记录和台账的整理归档要求。

第三章 思想引领与素质提升
主题活动、读书分享、专题讲座的组织方法；如何向区妇联志愿讲师团点单、如何组织女职工参加培训。

第四章 关爱服务
爱心妈咪小屋的建设标准；女职工健康体检和“两癌”筛查的组织；困难女职工家庭的帮扶办法。

第五章 常用文书
妇委会成立请示、选举结果报告、换届请示、委员补选报告、年度工作总结等文书范本。
"""

STANDARDISATION_PLAN = """一、总体要求
以规范化、标准化为抓手，推动机关妇女工作有标准可依、有流程可循、有成效可查，三年内全区机关妇委会组建率达到 90% 以上。

二、主要任务
（一）建强组织：应建尽建，按时换届，及时补缺。
（二）完善制度：各单位妇委会健全工作制度，每年制定工作计划。
（三）量化评估：实行 10 项量化自查，以自查、自改代替考核评比。

三、实施步骤
2018 年为启动阶段，印发方案和评估表；2019 年为推进阶段，结合机构改革调整组织；2020 年为巩固阶段，总结推广经验。

四、保障措施
区妇联定期通报各单位自查和整改情况，组织经验交流，选树工作亮点。
"""

WORKING_RULES = """第一章 总则
为规范机关妇女委员会工作，依据《中华全国妇女联合会章程》，结合本区实际，制定本办法。

第二章 组织设置
机关、事业单位女职工较多的，应当建立妇女委员会；妇委会每届任期五年，届满应当按期换届。

第三章 工作职责
妇委会负责团结引领本单位女职工，维护女职工合法权益，开展关爱服务和宣传教育。

第四章 附则
本办法由区妇联负责解释，自印发之日起施行。
"""

PLAN_DRAFT = """一、组建目的
组建区妇联巾帼志愿讲师团，发挥机关女干部的专业特长，为机关单位和基层社区提供公益讲座。

二、讲师来源
讲师从全区机关女干部中自愿报名产生，经单位妇委会推荐、区妇联审核后聘任。

三、课题管理
讲师提出课题，区妇联组织评审后入库；课题每年更新一次。

四、服务方式
机关单位和社区通过平台点单，区妇联匹配讲师并确认时间地点。

五、激励保障
讲师授课计入志愿服务时长，年度评选优秀讲师。
"""

PLAN_FINAL = """一、组建目的
组建区妇联巾帼志愿讲师团，发挥机关女干部的专业特长，为机关单位和基层社区群众提供公益讲座，服务基层。

二、讲师来源
讲师从全区机关女干部中自愿报名产生，也可由单位妇委会推荐，经区妇联审核后聘任，聘期两年。

三、课题管理
讲师提出课题，区妇联组织试讲和评审后入库；课题库每半年更新一次，听众反馈用于完善课题。

四、服务方式
机关单位和社区通过平台点单，区妇联在 5 个工作日内匹配讲师并确认时间地点。

五、激励保障
讲师授课计入志愿服务时长，按时长评定星级，年度评选优秀讲师。
"""

# (section number, username, text) — the cadres' comments on the draft.
COMMENTS = [
    (1, "demo_liaison", "建议写明服务对象包括基层社区群众，不只是机关单位。"),
    (2, "demo_executive", "建议允许个人直接报名，不必一律经单位推荐。"),
    (2, "demo_volunteer", "聘任是否有期限？建议明确聘期。"),
    (3, "demo_volunteer", "课题入库前建议先试讲，听取意见后再入库。"),
    (3, "demo_liaison", "一年更新一次偏慢，建议每半年更新。"),
    (4, "demo_executive", "建议明确点单后多长时间内匹配讲师。"),
    (5, "demo_volunteer", "建议把服务时长与志愿者星级挂钩。"),
]

# section number -> (outcome, note)
NOTES = {
    1: ("adopted", "已采纳，增加“基层社区群众”。"),
    2: ("partly", "采纳个人自愿报名和明确聘期（两年）；单位推荐保留为可选方式。"),
    3: ("adopted", "已采纳，增加试讲环节，课题库改为每半年更新。"),
    4: ("adopted", "已采纳，明确 5 个工作日内匹配讲师。"),
    5: ("adopted", "已采纳，按服务时长评定星级。"),
}


def load_demo(ctx: DemoContext) -> None:
    from documents import services
    from documents.models import Comment, Consultation, Document, DocumentVersion

    org = ctx.data["org"]
    fed = org.federation
    staff = org.users["demo_staff"]
    today = clock.today()
    library = [
        (
            Document.Kind.EVALUATION_FORM,
            "机关妇女工作量化评估表",
            "区妇发〔2018〕3号",
            EVALUATION_FORM,
            list(range(1, 11)),
            "2018 年版",
            dt.date(2018, 3, 8),
        ),
        (
            Document.Kind.HANDBOOK,
            "机关妇女工作实务",
            "",
            HANDBOOK,
            [1, 2, 3, 4, 5, 8],
            "第一版",
            dt.date(2018, 9, 1),
        ),
        (
            Document.Kind.STANDARDISATION_PLAN,
            "机关妇女工作规范化标准化建设方案",
            "区妇发〔2018〕1号",
            STANDARDISATION_PLAN,
            [1, 2, 3, 4],
            "2018 年版",
            dt.date(2018, 1, 15),
        ),
        (
            Document.Kind.WORKING_RULES,
            "机关妇女委员会工作办法",
            "区妇发〔2018〕2号",
            WORKING_RULES,
            [1, 2, 3, 9],
            "2018 年版",
            dt.date(2018, 1, 15),
        ),
    ]
    made = 0
    for kind, title, ref, body, items, label, effective in library:
        doc = services.document_create(
            federation_id=fed.pk,
            kind=kind,
            title=title,
            doc_number=ref,
            issuer="区妇联",
            item_numbers=items,
            acting_user=staff,
        )
        version = services.version_add(
            document=doc, label=label, body=body, effective_on=effective, publish=True, acting_user=staff
        )
        DocumentVersion.objects.filter(pk=version.pk).update(published_on=effective)
        made += 1
    plan = services.document_create(
        federation_id=fed.pk,
        kind=Document.Kind.OTHER,
        title="区妇联巾帼志愿讲师团组建方案",
        issuer="区妇联",
        summary="志愿讲师团的组建、讲师来源、课题管理和服务方式。",
        item_numbers=[6, 7],
        acting_user=staff,
    )
    draft = services.version_add(document=plan, label="征求意见稿", body=PLAN_DRAFT, acting_user=staff)
    from core.roles import Role

    consultation = services.consultation_open(
        version=draft,
        deadline=today + dt.timedelta(days=14),
        roles=[Role.UNIT_LIAISON, Role.VOLUNTEER, Role.EXECUTIVE],
        title="志愿讲师团方案征求意见稿",
        intro="请各单位女干部对方案各部分提出意见建议。",
        acting_user=staff,
        email=False,
    )
    sections = {s.number: s for s in draft.sections.all()}
    for number, username, text in COMMENTS:
        services.comment_add(
            consultation=consultation, section_id=sections[number].pk, text=text, author=org.users[username]
        )
    final = services.consultation_conclude(
        consultation=consultation,
        final_body=PLAN_FINAL,
        notes=NOTES,
        final_label="正式版",
        conclusion="共收到意见 7 条，采纳 6 条，部分采纳 1 条。",
        acting_user=staff,
        email=False,
    )
    # The consultation ran in the spring of 2019: moved to its dates.
    opened, deadline, concluded = dt.date(2019, 3, 1), dt.date(2019, 3, 15), dt.date(2019, 3, 25)
    Consultation.objects.filter(pk=consultation.pk).update(
        opened_on=opened, deadline=deadline, concluded_on=concluded
    )
    # Its notices belong to 2019 (and name the load day's deadline): the demo's bells do not show them.
    from core.models import Notification

    Notification.objects.filter(
        dedup_key__in=[f"consultation-open:{consultation.pk}", f"consultation-concluded:{consultation.pk}"]
    ).delete()
    DocumentVersion.objects.filter(pk=final.pk).update(
        published_on=concluded, effective_on=dt.date(2019, 4, 1)
    )
    from core.models import StateChange

    StateChange.objects.for_object(consultation).update(
        at=dt.datetime.combine(concluded, dt.time(9), tzinfo=dt.UTC)
    )
    for n, comment in enumerate(Comment.objects.filter(consultation=consultation).order_by("id")):
        Comment.objects.filter(pk=comment.pk).update(
            created_at=dt.datetime.combine(opened + dt.timedelta(days=1 + n), dt.time(10), tzinfo=dt.UTC)
        )
    ctx.summary.append(f"文件资料：{made + 1} 份文件，1 次征求意见（{len(COMMENTS)} 条意见，已发布正式版本）")


def present() -> bool:
    from documents.models import Document

    return Document.objects.exists()
