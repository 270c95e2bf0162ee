"""Demo organisation: the district federation, its units and one account per role.

Unit names are plausible Longgang departments; committee history lives in committees.demo.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from accounts.models import User
from accounts.services import role_grant
from core.roles import Role
from orgs.models import Federation, Person, Unit

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

LIAISON_UNIT = "区教育局"

DEMO_ACCOUNTS = [
    ("demo_staff", "王丽华", [Role.FEDERATION_STAFF]),
    ("demo_liaison", "陈晓敏", [Role.UNIT_LIAISON]),
    ("demo_executive", "林秀英", [Role.EXECUTIVE]),
    ("demo_supervisor", "黄静", [Role.HOTLINE_SUPERVISOR]),
    ("demo_volunteer", "张雅琴", [Role.VOLUNTEER]),
    ("demo_requester", "刘春燕", [Role.REQUESTER]),
    ("demo_sysadmin", "赵明", [Role.SYSTEM_ADMIN]),
    ("demo_secadmin", "孙洁", [Role.SECURITY_ADMIN]),
    ("demo_auditor", "周敏", [Role.AUDITOR]),
]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严欧莫孔向常汤康易乔赖文"
GIVEN = ["秀英", "桂英", "秀兰", "玉兰", "丽", "静", "敏", "燕", "艳", "娟", "霞", "芳", "婷", "雪", "慧", "洁", "琳", "颖", "倩", "晓红", "丽华", "春梅", "海燕", "晓燕", "美玲", "雅琴", "佳怡", "思琪", "梦瑶", "欣怡", "晓敏", "红梅", "丽娟", "婉清", "淑芬", "月华", "惠珍", "翠萍", "凤英", "小红"]


@dataclass
class DemoOrg:
    federation: Federation
    units: dict[str, Unit]
    users: dict[str, User]


def random_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def load(*, password: str, rng: random.Random | None = None) -> DemoOrg:
    rng = rng or random.Random(2017)
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
    users: dict[str, User] = {}
    home_units = list(units.values())
    for username, name, roles in DEMO_ACCOUNTS:
        unit = units[LIAISON_UNIT] if Role.UNIT_LIAISON in roles else rng.choice(home_units)
        person = None
        if not set(roles) & {Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR}:
            person = Person.objects.create(
                federation=federation, unit=unit, name=name, title="妇委会主任" if Role.UNIT_LIAISON in roles else "干部",
                phone=f"139{rng.randint(10000000, 99999999)}", email=f"{username}@example.org",
            )
        user = User.objects.create_user(
            username=username, password=password, display_name=name, federation=federation, person=person,
            email=f"{username}@example.org",
        )
        user.must_change_password = False
        user.save()
        for role in roles:
            role_grant(user=user, role=role, federation_id=federation.pk, unit_id=unit.pk if role == Role.UNIT_LIAISON else None)
        users[username] = user
    return DemoOrg(federation=federation, units=units, users=users)
