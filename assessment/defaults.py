"""The default template: the ten items of the quantified evaluation form (量化评估表). Plain data."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_noop

from assessment.scoring import RuleKind


@dataclass(frozen=True)
class ItemSpec:
    number: int
    title: str
    kind: RuleKind
    points: Decimal
    guidance: str
    params: dict[str, Any] = field(default_factory=dict)
    evidence_required: bool = False
    na_allowed: bool = False
    threshold: Decimal = Decimal("0.6")


DEFAULT_TEMPLATE_NAME = gettext_noop("机关妇女工作量化评估表")

DEFAULT_ITEMS: tuple[ItemSpec, ...] = (
    ItemSpec(
        1,
        gettext_noop("组织组建"),
        RuleKind.COMMITTEE_FORMED,
        Decimal(10),
        gettext_noop("单位已按要求组建妇委会并在区妇联登记。依据妇委会台账自动计分。"),
    ),
    ItemSpec(
        2,
        gettext_noop("按时换届"),
        RuleKind.TERMS_ON_TIME,
        Decimal(10),
        gettext_noop("无超期服役；最近一次换届在届满前或届满当日完成。依据历届情况自动计分。"),
    ),
    ItemSpec(
        3,
        gettext_noop("及时补缺"),
        RuleKind.VACANCIES_FILLED,
        Decimal(10),
        gettext_noop("委员缺位在补缺期限（默认 90 天）内补齐；逾期补齐计一半。依据缺位记录自动计分。"),
    ),
    ItemSpec(
        4,
        gettext_noop("制度建设"),
        RuleKind.DOCUMENT,
        Decimal(10),
        gettext_noop("上传妇委会工作制度和本年度工作计划。"),
        evidence_required=True,
    ),
    ItemSpec(
        5,
        gettext_noop("思想引领"),
        RuleKind.COUNT,
        Decimal(10),
        gettext_noop("全年开展思想引领活动不少于 4 次，附照片或会议纪要。"),
        params={"target": 4},
        evidence_required=True,
    ),
    ItemSpec(
        6,
        gettext_noop("素质提升"),
        RuleKind.LECTURES,
        Decimal(10),
        gettext_noop("本单位主办或职工参加的培训、讲座，全年不少于 4 场。依据讲座记录自动计分。"),
        params={"target": 4},
    ),
    ItemSpec(
        7,
        gettext_noop("志愿服务"),
        RuleKind.VOLUNTEER_HOURS,
        Decimal(10),
        gettext_noop("本单位巾帼志愿者本年度服务时长合计不少于 20 小时。依据讲座与服务记录自动计分。"),
        params={"target": 20},
    ),
    ItemSpec(
        8,
        gettext_noop("关爱服务"),
        RuleKind.GRADED,
        Decimal(10),
        gettext_noop("爱心妈咪小屋、女职工健康体检、家庭支持等关爱措施，附照片或文件。"),
        evidence_required=True,
        na_allowed=True,
    ),
    ItemSpec(
        9,
        gettext_noop("执委履职"),
        RuleKind.EXECUTIVE_RECORDS,
        Decimal(10),
        gettext_noop("本单位执委均有联系群众、值班接访或建言献策等履职记录。依据执委履职档案自动计分。"),
    ),
    ItemSpec(
        10,
        gettext_noop("宣传亮点"),
        RuleKind.HIGHLIGHTS,
        Decimal(10),
        gettext_noop("本年度报送亮点工作信息不少于 2 条，其中至少 1 条被区妇联发布。"),
        params={"target": 2, "published": 1},
    ),
)
