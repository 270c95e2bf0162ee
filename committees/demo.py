"""The demo district's committee history, 2008 to DEMO_TODAY: the reference scenario of domain.md, then on.

Built through committees.services in date order, so the history is valid by construction and audited.

Figures it reproduces (tests: committees/tests/test_demo.py):
* end of 2017: 57 active required units, 37 committees -> 组建率 37/57 = 64.9%;
  按时换届率 2017 = 6/10 (10 first terms formed in 2012 fall due in 2017; 6 re-elect on time,
  4 are overdue at the end of 2017); 及时补缺率 2017 = 4/9 = 44.4% (3 seats stay vacant for years).
* 2019-01-18 机构改革: 15 units dissolved or merged (3 of them with committees, which end with them),
  7 new units. 2018–2020: 10 committees formed, 7 committees re-elect.
* end of 2020: 49 active units, 44 committees -> 组建率 44/49 = 89.8%.

2021 to DEMO_TODAY (2026-11-27) — only events after 2020-12-31; the figures above stay as they are:
* 2021 换届攻坚: the 13 committees overdue at the end of 2020 re-elect (late), and the three seats
  vacant since 2017 are filled at those elections (late, as the 2017 rate already counts them).
* the other committees re-elect around their due date, most a few days early, some late by weeks;
  按时换届率 over 2021 – DEMO_TODAY = 40/51 = 78.4%.
* 2 new committees (区科学技术协会, 龙岗交警大队); 2024 区建筑工务署 merged into 区住房和建设局;
  on DEMO_TODAY 48 active units, 46 committees -> 组建率 95.8%, and 4 committees overdue.
* 60 re-elections; seats change: 32 vacancies opened since 2021, 29 of them filled (4 after the 90-day
  deadline) -> 及时补缺率 2021 – DEMO_TODAY = 25/30; 3 open on DEMO_TODAY: one past its whole deadline,
  two past half of it (one in the liaison's unit, so demo_liaison has a notice too).
* the one vacancy of late 2020 is filled in time in January 2021, so 2020's 及时补缺率 reads 3/3
  instead of the pending 2/2 (100% either way); the 2017 rate stays 4/9.

DEMO_TODAY is fixed, not `date.today()`, so the data are the same on every load; `load_demo` then runs
the reminders for the platform's today (core.clock), in-app only, so they count the days as every page does.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from committees import services
from committees.models import Committee, Seat, Vacancy
from core.registry import DemoContext
from orgs import demo as org_demo
from orgs import services as org_services
from orgs.models import Person, Unit

D = dt.date
REFORM_ON = D(2019, 1, 18)
# The demo's "today": its history ends here and its reminders are run for this day. A viewer on a later
# date sees the terms due after it fall overdue; move it (and extend the history below) to refresh.
DEMO_TODAY = D(2026, 11, 27)

# unit -> (formed_on, re-election dates). Terms last the federation's 5 years.
COMMITTEES: dict[str, tuple[dt.date, tuple[dt.date, ...]]] = {
    # Formed 2008–2011: first terms due 2013–2016 (one late re-election in 2014, one in 2016).
    "区委组织部": (D(2008, 4, 10), (D(2013, 3, 28), D(2018, 3, 20))),
    "区委宣传部": (D(2008, 6, 16), (D(2013, 6, 16),)),
    "区人民法院": (D(2008, 9, 5), (D(2014, 3, 12),)),
    "区人民检察院": (D(2009, 3, 8), (D(2014, 2, 20),)),
    "区总工会": (D(2009, 5, 20), (D(2014, 5, 15),)),
    "团区委": (D(2010, 3, 8), (D(2015, 3, 1), D(2020, 2, 25))),
    "区残疾人联合会": (D(2010, 7, 1), (D(2015, 6, 26),)),
    "区妇幼保健院": (D(2010, 10, 15), (D(2016, 5, 10),)),
    "区教育局": (D(2011, 3, 8), (D(2016, 3, 4),)),
    "区民政局": (D(2011, 9, 20), (D(2016, 9, 13),)),
    # Formed 2012: the ten terms due in 2017. Six re-elect on time (one on the due day itself).
    "区委办公室": (D(2012, 3, 8), (D(2017, 3, 1),)),
    "区政府办公室": (D(2012, 4, 12), (D(2017, 4, 12),)),
    "区纪委监委机关": (D(2012, 5, 18), (D(2017, 5, 10),)),
    "区发展和改革局": (D(2012, 6, 6), (D(2017, 5, 26),)),
    "区财政局": (D(2012, 7, 9), (D(2017, 7, 3),)),
    "区人力资源局": (D(2012, 9, 14), (D(2017, 9, 8),)),
    # ... and four are overdue at the end of 2017: two re-elect late in 2018, one goes with its unit
    # in the 2019 reform, one is still overdue in 2020.
    "区公安分局": (D(2012, 10, 22), (D(2018, 4, 16),)),
    "区住房和建设局": (D(2012, 11, 5), (D(2018, 10, 30),)),
    "区卫生和计划生育局": (D(2012, 11, 26), ()),
    "区交通运输局": (D(2012, 12, 10), ()),
    # Formed 2013–2017: the formation drive.
    "区委统战部": (D(2013, 3, 15), (D(2018, 3, 9),)),
    "区委政法委": (D(2013, 5, 10), (D(2019, 4, 23),)),
    "区科技创新局": (D(2013, 8, 20), ()),
    "区人民医院": (D(2013, 11, 8), ()),
    "区经济促进局": (D(2014, 3, 20), (D(2019, 3, 15),)),
    "区文体旅游局": (D(2014, 6, 12), ()),
    "区司法局": (D(2014, 9, 3), ()),
    "区中心医院": (D(2014, 12, 1), ()),
    "区档案馆": (D(2015, 4, 8), ()),
    "区水务局": (D(2015, 6, 18), ()),
    "区城市管理局": (D(2015, 9, 10), ()),
    "区疾病预防控制中心": (D(2015, 11, 20), ()),
    "区人大常委会办公室": (D(2016, 4, 15), ()),
    "区委党校": (D(2016, 7, 1), ()),
    "龙岗区税务局": (D(2016, 10, 12), ()),
    "区图书馆": (D(2017, 3, 8), ()),
    "市市场和质量监管委龙岗局": (D(2017, 8, 16), ()),
    # 2018–2020: ten new committees, five of them in units created by the reform.
    "区统计局": (D(2018, 5, 14), ()),
    "区审计局": (D(2018, 9, 6), ()),
    "区政协办公室": (D(2018, 11, 20), ()),
    "区卫生健康局": (D(2019, 4, 9), ()),
    "区应急管理局": (D(2019, 6, 18), ()),
    "区文化广电旅游体育局": (D(2019, 9, 24), ()),
    "区城市更新和土地整备局": (D(2020, 4, 21), ()),
    "龙岗供电局": (D(2020, 6, 5), ()),
    "区工商业联合会": (D(2020, 9, 15), ()),
    "市规划和自然资源局龙岗管理局": (D(2020, 10, 27), ()),
}

# The 2019 reform: new units (name, kind) and the old units merged into each (None: dissolved outright).
NEW_UNITS: list[tuple[str, str]] = [
    ("区卫生健康局", Unit.Kind.DEPARTMENT),
    ("区应急管理局", Unit.Kind.DEPARTMENT),
    ("区文化广电旅游体育局", Unit.Kind.DEPARTMENT),
    ("区城市更新和土地整备局", Unit.Kind.DEPARTMENT),
    ("区退役军人事务局", Unit.Kind.DEPARTMENT),
    ("市规划和自然资源局龙岗管理局", Unit.Kind.STATIONED),
    ("市生态环境局龙岗管理局", Unit.Kind.STATIONED),
]
MERGED_INTO: dict[str, str] = {
    "区卫生和计划生育局": "区卫生健康局",
    "区安全生产监督管理局": "区应急管理局",
    "区文体旅游局": "区文化广电旅游体育局",
    "区土地整备局": "区城市更新和土地整备局",
    "区城市更新局": "区城市更新和土地整备局",
    "市规划和国土资源委员会龙岗管理局": "市规划和自然资源局龙岗管理局",
    "区规划土地监察局": "市规划和自然资源局龙岗管理局",
    "市人居环境委龙岗管理局": "市生态环境局龙岗管理局",
    "区环境保护和水务局": "市生态环境局龙岗管理局",
    "区委编办": "区委组织部",
    "区档案馆": "区委办公室",
    "区信访局": "区政府办公室",
    "区机关事务管理局": "区政府办公室",
    "区投资推广署": "区经济促进局",
    "区国有资产监督管理局": "区财政局",
}

# (unit, post, vacated_on, filled_on or None while still vacant)
VACANCIES: list[tuple[str, str, dt.date, dt.date | None]] = [
    ("区委组织部", Seat.Role.MEMBER, D(2013, 5, 6), D(2013, 7, 15)),
    ("区人民法院", Seat.Role.VICE_CHAIR, D(2014, 4, 1), D(2014, 8, 20)),
    ("区总工会", Seat.Role.MEMBER, D(2014, 9, 10), D(2014, 11, 2)),
    ("区委统战部", Seat.Role.MEMBER, D(2015, 3, 2), D(2015, 5, 20)),
    ("区残疾人联合会", Seat.Role.MEMBER, D(2015, 8, 17), D(2016, 1, 5)),
    ("区教育局", Seat.Role.MEMBER, D(2016, 4, 11), D(2016, 6, 30)),
    ("区妇幼保健院", Seat.Role.MEMBER, D(2016, 10, 9), D(2016, 12, 20)),
    # 2017: nine judged, four filled within 90 days (one on the 90th day).
    ("区委办公室", Seat.Role.MEMBER, D(2017, 2, 10), D(2017, 4, 20)),
    ("区财政局", Seat.Role.VICE_CHAIR, D(2017, 3, 15), D(2017, 6, 13)),
    ("区教育局", Seat.Role.MEMBER, D(2017, 5, 8), D(2017, 7, 1)),
    ("区民政局", Seat.Role.MEMBER, D(2017, 6, 1), D(2017, 8, 20)),
    ("区人民法院", Seat.Role.MEMBER, D(2017, 1, 20), D(2017, 6, 30)),
    ("区科技创新局", Seat.Role.VICE_CHAIR, D(2017, 4, 5), D(2017, 9, 28)),
    ("区交通运输局", Seat.Role.MEMBER, D(2017, 3, 1), None),
    ("区委宣传部", Seat.Role.MEMBER, D(2017, 7, 14), None),
    ("区人民医院", Seat.Role.MEMBER, D(2017, 8, 30), None),
    # 2018–2020: the platform's reminders at work.
    ("区委组织部", Seat.Role.VICE_CHAIR, D(2018, 6, 4), D(2018, 8, 10)),
    ("区公安分局", Seat.Role.MEMBER, D(2018, 7, 2), D(2018, 9, 25)),
    ("区司法局", Seat.Role.MEMBER, D(2018, 9, 17), D(2019, 2, 20)),
    ("区统计局", Seat.Role.MEMBER, D(2018, 11, 5), D(2019, 1, 22)),
    ("区经济促进局", Seat.Role.MEMBER, D(2019, 3, 25), D(2019, 5, 30)),
    ("区卫生健康局", Seat.Role.MEMBER, D(2019, 8, 12), D(2019, 10, 8)),
    ("区城市管理局", Seat.Role.VICE_CHAIR, D(2019, 10, 14), D(2020, 1, 6)),
    ("区中心医院", Seat.Role.MEMBER, D(2020, 5, 11), D(2020, 7, 20)),
    ("团区委", Seat.Role.MEMBER, D(2020, 7, 6), D(2020, 9, 1)),
    ("区审计局", Seat.Role.MEMBER, D(2020, 11, 16), None),
]

# ---- 2021 to DEMO_TODAY ----------------------------------------------------------------------------

# Re-elections of the committees above since 2021 (each starts a new five-year term).
REELECTIONS_SINCE_2021: dict[str, tuple[dt.date, ...]] = {
    # 2021 换届攻坚: the 13 committees overdue at the end of 2020 re-elect late ...
    "区疾病预防控制中心": (D(2021, 1, 12), D(2026, 1, 8)),
    "区水务局": (D(2021, 1, 19), D(2026, 1, 15)),
    "区城市管理局": (D(2021, 2, 23), D(2026, 2, 10)),
    "区人民法院": (D(2021, 3, 18), D(2026, 3, 10)),
    "区残疾人联合会": (D(2021, 3, 25), D(2026, 4, 20)),  # 2026: late by four weeks
    "区司法局": (D(2021, 4, 8), D(2026, 3, 30)),
    "区委宣传部": (D(2021, 4, 20), D(2026, 4, 14)),
    "区人民检察院": (D(2021, 5, 12), D(2026, 4, 28)),
    "区中心医院": (D(2021, 5, 27), D(2026, 5, 20)),
    "区总工会": (D(2021, 6, 8), D(2026, 6, 5)),
    # ... and three of them are overdue again on DEMO_TODAY (with 区科学技术协会 below: four).
    "区交通运输局": (D(2021, 7, 15),),
    "区科技创新局": (D(2021, 9, 16),),
    "区人民医院": (D(2021, 10, 26),),
    # Terms due 2021–2025: mostly a few days early, some late by weeks, one two months early.
    "区教育局": (D(2021, 3, 2), D(2026, 2, 26)),
    "区妇幼保健院": (D(2021, 4, 27), D(2026, 4, 22)),
    "区人大常委会办公室": (D(2021, 5, 20), D(2026, 5, 14)),  # 2021: late by five weeks
    "区委党校": (D(2021, 6, 24), D(2026, 6, 19)),
    "区民政局": (D(2021, 9, 10), D(2026, 9, 8)),
    "龙岗区税务局": (D(2021, 9, 28), D(2026, 10, 20)),  # 2026: late by three weeks
    "区委办公室": (D(2022, 2, 24),),  # due 2027-02-24: the 90-day notice on DEMO_TODAY
    "区图书馆": (D(2022, 3, 4),),
    "区政府办公室": (D(2022, 4, 8),),
    "区纪委监委机关": (D(2022, 5, 6),),
    "区发展和改革局": (D(2022, 6, 28),),  # late by a month
    "区财政局": (D(2022, 6, 29),),
    "市市场和质量监管委龙岗局": (D(2022, 8, 11),),
    "区人力资源局": (D(2022, 9, 2),),
    "区委组织部": (D(2023, 1, 12),),  # two months early
    "区委统战部": (D(2023, 3, 7),),
    "区公安分局": (D(2023, 4, 11),),
    "区统计局": (D(2023, 5, 9),),
    "区审计局": (D(2023, 9, 1),),
    "区住房和建设局": (D(2023, 10, 25),),
    "区政协办公室": (D(2023, 12, 12),),  # late by three weeks
    "区经济促进局": (D(2024, 3, 12),),
    "区卫生健康局": (D(2024, 4, 2),),
    "区委政法委": (D(2024, 4, 18),),
    "区应急管理局": (D(2024, 7, 9),),  # late by three weeks
    "区文化广电旅游体育局": (D(2024, 9, 19),),
    "团区委": (D(2025, 2, 20),),
    "区城市更新和土地整备局": (D(2025, 4, 16),),
    "龙岗供电局": (D(2025, 5, 29),),
    "区工商业联合会": (D(2025, 9, 10),),
    "市规划和自然资源局龙岗管理局": (D(2025, 11, 25),),  # late by four weeks
}

# New committees in units that had none; the first's term is overdue on DEMO_TODAY, the second's is due
# in 19 days (the 30-day notice).
COMMITTEES_SINCE_2021: dict[str, tuple[dt.date, tuple[dt.date, ...]]] = {
    "区科学技术协会": (D(2021, 5, 18), ()),
    "龙岗交警大队": (D(2021, 12, 16), ()),
}

# Unit -> (successor, day): a merger after the 2019 reform. The unit has no committee.
MERGED_SINCE_2021: dict[str, tuple[str, dt.date]] = {
    "区建筑工务署": ("区住房和建设局", D(2024, 3, 1)),
}

# Vacancies from before 2021 filled since: (unit, post, vacated_on, filled_on). The three from 2017 are
# filled at their committee's 2021 re-election (late: the 2017 rate counts them late either way); the one
# from November 2020 in time (the 2020 rate stays 100%).
FILLED_SINCE_2021: list[tuple[str, str, dt.date, dt.date]] = [
    ("区审计局", Seat.Role.MEMBER, D(2020, 11, 16), D(2021, 1, 26)),
    ("区委宣传部", Seat.Role.MEMBER, D(2017, 7, 14), D(2021, 4, 20)),
    ("区交通运输局", Seat.Role.MEMBER, D(2017, 3, 1), D(2021, 7, 15)),
    ("区人民医院", Seat.Role.MEMBER, D(2017, 8, 30), D(2021, 10, 26)),
]

# (unit, post, vacated_on, filled_on or None while still vacant on DEMO_TODAY)
VACANCIES_SINCE_2021: list[tuple[str, str, dt.date, dt.date | None]] = [
    ("区财政局", Seat.Role.MEMBER, D(2021, 3, 15), D(2021, 5, 18)),
    ("区公安分局", Seat.Role.VICE_CHAIR, D(2021, 6, 7), D(2021, 8, 20)),
    ("区卫生健康局", Seat.Role.MEMBER, D(2021, 8, 16), D(2021, 12, 10)),  # late
    ("团区委", Seat.Role.MEMBER, D(2021, 10, 11), D(2021, 12, 6)),
    ("区委组织部", Seat.Role.MEMBER, D(2022, 1, 10), D(2022, 3, 21)),
    ("区中心医院", Seat.Role.CHAIR, D(2022, 4, 6), D(2022, 5, 30)),
    ("区统计局", Seat.Role.MEMBER, D(2022, 6, 13), D(2022, 8, 29)),
    ("区住房和建设局", Seat.Role.MEMBER, D(2022, 9, 5), D(2022, 11, 14)),
    ("区政府办公室", Seat.Role.VICE_CHAIR, D(2022, 11, 21), D(2023, 1, 16)),
    ("区纪委监委机关", Seat.Role.MEMBER, D(2023, 2, 13), D(2023, 4, 10)),
    ("区应急管理局", Seat.Role.MEMBER, D(2023, 3, 20), D(2023, 7, 31)),  # late
    ("区城市管理局", Seat.Role.MEMBER, D(2023, 6, 5), D(2023, 8, 14)),
    ("区经济促进局", Seat.Role.VICE_CHAIR, D(2023, 9, 11), D(2023, 11, 20)),
    ("区工商业联合会", Seat.Role.MEMBER, D(2023, 10, 16), D(2023, 12, 25)),
    ("区人民检察院", Seat.Role.MEMBER, D(2024, 1, 8), D(2024, 3, 11)),
    ("龙岗供电局", Seat.Role.MEMBER, D(2024, 3, 18), D(2024, 5, 27)),
    ("区委办公室", Seat.Role.MEMBER, D(2024, 5, 13), D(2024, 7, 22)),
    ("区司法局", Seat.Role.VICE_CHAIR, D(2024, 7, 1), D(2024, 10, 21)),  # late
    ("区发展和改革局", Seat.Role.MEMBER, D(2024, 9, 9), D(2024, 11, 18)),
    ("区妇幼保健院", Seat.Role.MEMBER, D(2025, 1, 13), D(2025, 3, 24)),
    ("区水务局", Seat.Role.MEMBER, D(2025, 3, 3), D(2025, 5, 12)),
    ("区文化广电旅游体育局", Seat.Role.CHAIR, D(2025, 5, 19), D(2025, 7, 7)),
    ("区城市更新和土地整备局", Seat.Role.MEMBER, D(2025, 7, 14), D(2025, 9, 22)),
    ("区总工会", Seat.Role.MEMBER, D(2025, 9, 1), D(2025, 11, 10)),
    ("区人力资源局", Seat.Role.MEMBER, D(2025, 10, 20), D(2026, 2, 9)),  # late
    ("区教育局", Seat.Role.MEMBER, D(2026, 1, 12), D(2026, 3, 16)),
    ("区政协办公室", Seat.Role.MEMBER, D(2026, 2, 2), D(2026, 4, 13)),
    ("区卫生健康局", Seat.Role.VICE_CHAIR, D(2026, 4, 20), D(2026, 6, 29)),
    ("区委统战部", Seat.Role.MEMBER, D(2026, 5, 11), D(2026, 7, 6)),
    # Open on DEMO_TODAY: 130 days (past the whole deadline), 60 and 50 days (past half of it).
    ("区住房和建设局", Seat.Role.VICE_CHAIR, D(2026, 7, 20), None),
    ("区教育局", Seat.Role.MEMBER, D(2026, 9, 28), None),
    ("区委办公室", Seat.Role.MEMBER, D(2026, 10, 8), None),
]

# Order of events on the same day: new units, then committees, re-elections, seats, and the reform last.
NEW_UNIT, FORM, REELECT, VACATE, FILL, DISSOLVE = range(6)


class _History:
    """Replays the scenario in date order through the services."""

    def __init__(self, org: Any, rng: random.Random) -> None:
        self.org = org
        self.rng = rng
        self.units: dict[str, Unit] = dict(org.units)
        self.committees: dict[str, Committee] = {}
        self.vacancies: dict[tuple[str, str, dt.date], Vacancy] = {}

    def people(self, unit: Unit) -> list[Person]:
        return list(Person.objects.filter(unit=unit).order_by("id"))

    def newcomer(self, committee: Committee) -> Person:
        """Someone of the unit who has never sat on its committee (hired if the unit has no one left)."""
        seated = set(Seat.objects.filter(committee=committee).values_list("person_id", flat=True))
        for person in self.people(committee.unit):
            if person.pk not in seated:
                return person
        return Person.objects.create(
            federation=self.org.federation, unit=committee.unit, name=org_demo.random_name(self.rng), title="干部",
            phone=f"13{self.rng.randint(100000000, 999999999)}",
        )

    def new_unit(self, name: str, kind: str) -> None:
        unit = Unit.objects.create(
            federation=self.org.federation, name=name, kind=kind, established_on=REFORM_ON,
            female_staff_count=self.rng.randint(20, 180), address=f"深圳市龙岗区龙城街道龙福路{self.rng.randint(1, 400)}号",
        )
        for _ in range(self.rng.randint(5, 8)):
            Person.objects.create(
                federation=self.org.federation, unit=unit, name=org_demo.random_name(self.rng),
                title=self.rng.choice(["科员", "副科长", "科长", "干部"]), phone=f"13{self.rng.randint(100000000, 999999999)}",
            )
        self.units[name] = unit

    def form(self, name: str, formed_on: dt.date) -> None:
        unit = self.units[name]
        committee = services.committee_form(unit=unit, formed_on=formed_on)
        self.committees[name] = committee
        people = self.people(unit)
        # The liaison's unit: the demo liaison (妇委会主任) chairs it.
        people.sort(key=lambda p: p.title != "妇委会主任")
        posts = [Seat.Role.CHAIR, Seat.Role.VICE_CHAIR] + [Seat.Role.MEMBER] * min(3, len(people) - 3)
        for role, person in zip(posts, people, strict=False):
            services.seat_assign(committee=committee, role=role, person=person, started_on=formed_on)

    def reelect(self, name: str, started_on: dt.date) -> None:
        services.term_reelect(committee=self.committees[name], started_on=started_on)

    def vacate(self, name: str, role: str, vacated_on: dt.date) -> None:
        seat = Seat.objects.filter(committee=self.committees[name], role=role, ended_on__isnull=True).order_by("id").first()
        assert seat is not None, (name, role, vacated_on)
        self.vacancies[name, role, vacated_on] = services.seat_vacate(seat=seat, vacated_on=vacated_on)

    def fill(self, name: str, role: str, vacated_on: dt.date, filled_on: dt.date) -> None:
        """A newcomer takes the post: fills the vacancy of `role` opened on `vacated_on`."""
        committee = self.committees[name]
        services.seat_assign(
            committee=committee, role=role, person=self.newcomer(committee), started_on=filled_on,
            vacancy=self.vacancies[name, role, vacated_on],
        )

    def dissolve(self, name: str, successor: str, dissolved_on: dt.date) -> None:
        org_services.unit_dissolve(unit=self.units[name], dissolved_on=dissolved_on, successor=self.units[successor])


def load_demo(ctx: DemoContext) -> None:
    """Adds the committee history (2008 to DEMO_TODAY) to the demo district built by orgs.demo (the
    reminders run once every app's part is loaded: core's load_demo command)."""
    org = ctx.data["org"]
    history = _History(org, ctx.rng)
    events: list[tuple[dt.date, int, Any, tuple[Any, ...]]] = []
    for name, kind in NEW_UNITS:
        events.append((REFORM_ON, NEW_UNIT, history.new_unit, (name, kind)))
    for name, (formed_on, reelections) in (COMMITTEES | COMMITTEES_SINCE_2021).items():
        events.append((formed_on, FORM, history.form, (name, formed_on)))
        events.extend((day, REELECT, history.reelect, (name, day)) for day in reelections)
    for name, reelections in REELECTIONS_SINCE_2021.items():
        events.extend((day, REELECT, history.reelect, (name, day)) for day in reelections)
    for name, role, vacated_on, filled_on in VACANCIES + VACANCIES_SINCE_2021:
        events.append((vacated_on, VACATE, history.vacate, (name, role, vacated_on)))
        if filled_on is not None:
            events.append((filled_on, FILL, history.fill, (name, role, vacated_on, filled_on)))
    for name, role, vacated_on, filled_on in FILLED_SINCE_2021:
        events.append((filled_on, FILL, history.fill, (name, role, vacated_on, filled_on)))
    mergers = [(name, successor, REFORM_ON) for name, successor in MERGED_INTO.items()]
    mergers += [(name, successor, day) for name, (successor, day) in MERGED_SINCE_2021.items()]
    events.extend((day, DISSOLVE, history.dissolve, (name, successor, day)) for name, successor, day in mergers)
    events.sort(key=lambda e: (e[0], e[1]))
    assert events[-1][0] <= DEMO_TODAY, events[-1]
    for _day, _order, action, args in events:
        action(*args)
    ctx.data["committee_history"] = history
    units = Unit.objects.filter(federation=org.federation)
    active = units.filter(dissolved_on__isnull=True).count()
    committees = Committee.objects.filter(federation=org.federation, dissolved_on__isnull=True).count()
    ctx.summary.append(
        f"妇委会历史 2008–{DEMO_TODAY:%Y-%m-%d}：单位名录共 {units.count()} 个单位（含 2019 年机构改革新组建的），"
        f"其中存续 {active} 个、已撤销或并入 {units.count() - active} 个；存续妇委会 {committees} 个"
    )
