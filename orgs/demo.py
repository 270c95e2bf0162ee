"""Demo organisation: the district federation, its units, their people and the communities.

Unit names are plausible Longgang departments; the demo accounts are accounts.demo's, the committee
history is committees.demo's (each a loader registered in core.registry.demo_loaders).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from core.registry import DemoContext
from orgs.models import Community, Federation, Person, Unit

FEDERATION_NAME = "深圳市龙岗区妇女联合会"
CITY_FEDERATION_NAME = "深圳市妇女联合会"

# Units active at the end of 2017 that must have a committee: 57 women's organisations.
DEPARTMENTS = [
    "区委办公室", "区政府办公室", "区纪委监委机关", "区委组织部", "区委宣传部", "区委统战部", "区委政法委",
    "区委编办", "区发展和改革局", "区教育局", "区科技创新局", "区经济促进局", "区公安分局", "区民政局",
    "区司法局", "区财政局", "区人力资源局", "区住房和建设局", "区交通运输局", "区水务局", "区文体旅游局",
    "区卫生和计划生育局", "区安全生产监督管理局", "区审计局", "区国有资产监督管理局", "区统计局",
    "区城市管理局", "区规划土地监察局", "区环境保护和水务局", "区信访局", "区人民法院", "区人民检察院",
    "区总工会", "团区委", "区残疾人联合会", "区工商业联合会", "区科学技术协会", "区档案馆", "区委党校",
    "区人大常委会办公室", "区政协办公室", "区机关事务管理局", "区投资推广署", "区建筑工务署",
    "区土地整备局", "区城市更新局",
]
INSTITUTIONS = ["区人民医院", "区中心医院", "区妇幼保健院", "区疾病预防控制中心", "区图书馆"]
STATIONED = [
    "龙岗区税务局", "市规划和国土资源委员会龙岗管理局", "市市场和质量监管委龙岗局", "龙岗交警大队",
    "龙岗供电局", "市人居环境委龙岗管理局",
]
ALL_UNITS = (
    [(n, Unit.Kind.DEPARTMENT) for n in DEPARTMENTS]
    + [(n, Unit.Kind.INSTITUTION) for n in INSTITUTIONS]
    + [(n, Unit.Kind.STATIONED) for n in STATIONED]
)
assert len(ALL_UNITS) == 57, len(ALL_UNITS)

# Grassroots communities (基层组织) whose contacts order lectures: street -> communities.
COMMUNITIES: dict[str, list[str]] = {
    "龙城街道": ["爱联社区", "回龙埔社区", "黄阁坑社区", "龙西社区"],
    "龙岗街道": ["南联社区", "龙岗社区"],
    "布吉街道": ["布吉社区", "德兴社区"],
    "坂田街道": ["坂田社区", "五和社区"],
    "横岗街道": ["六约社区", "荷坳社区"],
    "平湖街道": ["平湖社区"],
}

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严欧莫孔向常汤康易乔赖文"
GIVEN = ["秀英", "桂英", "秀兰", "玉兰", "丽", "静", "敏", "燕", "艳", "娟", "霞", "芳", "婷", "雪", "慧", "洁", "琳", "颖", "倩", "晓红", "丽华", "春梅", "海燕", "晓燕", "美玲", "雅琴", "佳怡", "思琪", "梦瑶", "欣怡", "晓敏", "红梅", "丽娟", "婉清", "淑芬", "月华", "惠珍", "翠萍", "凤英", "小红"]


@dataclass
class DemoOrg:
    """The demo district as the loaders after orgs find it (`ctx.data["org"]`); accounts adds the users."""

    federation: Federation
    units: dict[str, Unit]
    communities: dict[str, Community] = field(default_factory=dict)
    users: dict[str, Any] = field(default_factory=dict)


def random_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def load_demo(ctx: DemoContext) -> None:
    """The city and district federations, the 57 units of 2017 with their staff, and the communities."""
    rng = ctx.rng
    city, _ = Federation.objects.get_or_create(name=CITY_FEDERATION_NAME, defaults={"short_name": "市妇联"})
    federation = Federation.objects.create(name=FEDERATION_NAME, short_name="龙岗区妇联", parent=city)
    units: dict[str, Unit] = {}
    for i, (name, kind) in enumerate(ALL_UNITS):
        units[name] = Unit.objects.create(
            federation=federation,
            name=name,
            kind=kind,
            # All established before the committee history of committees.demo begins (2008).
            established_on=dt.date(1983 + i % 20, 1 + i % 12, 1),
            female_staff_count=rng.randint(12, 260),
            address=f"深圳市龙岗区龙城街道{rng.choice(['中心城', '清林路', '龙福路', '爱龙路', '龙翔大道'])}{rng.randint(1, 400)}号",
        )
    # Staff of the units: a few dozen people each, hundreds in all.
    for unit in units.values():
        for _ in range(rng.randint(4, 9)):
            Person.objects.create(
                federation=federation, unit=unit, name=random_name(rng),
                gender=Person.Gender.FEMALE if rng.random() < 0.85 else Person.Gender.MALE,
                title=rng.choice(["科员", "副科长", "科长", "主任科员", "副主任", "干部"]),
                phone=f"13{rng.randint(100000000, 999999999)}",
            )
    communities: dict[str, Community] = {}
    for street, names in COMMUNITIES.items():
        for name in names:
            communities[name] = Community.objects.create(
                federation=federation, name=f"{street}{name}", street=street,
                address=f"深圳市龙岗区{street}{name}党群服务中心",
            )
    ctx.data["org"] = DemoOrg(federation=federation, units=units, communities=communities)
    ctx.summary.append(
        f"{federation.name}：2017 年底的 {len(units)} 个机关单位（均需建妇委会）及其 "
        f"{Person.objects.filter(federation=federation).count()} 名人员，{len(communities)} 个社区"
    )
