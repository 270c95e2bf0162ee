from django.utils.translation import gettext_noop

from core.navigation import NavEntry, register
from core.roles import BUSINESS_ROLES, Role

SECTION = gettext_noop("志愿讲课")

register(
    NavEntry(
        SECTION,
        gettext_noop("巾帼志愿者"),
        "lectures:volunteer-list",
        frozenset({Role.FEDERATION_STAFF, Role.UNIT_LIAISON}),
        "bi-person-heart",
        300,
    )
)
register(
    NavEntry(
        SECTION,
        gettext_noop("我的讲师资料"),
        "lectures:volunteer-me",
        frozenset({Role.VOLUNTEER}),
        "bi-person-badge",
        301,
    )
)
register(
    NavEntry(
        SECTION,
        gettext_noop("专业类别"),
        "lectures:category-list",
        frozenset({Role.FEDERATION_STAFF}),
        "bi-tags",
        309,
    )
)
register(
    NavEntry(
        SECTION,
        gettext_noop("点单"),
        "lectures:request-list",
        frozenset({Role.FEDERATION_STAFF, Role.UNIT_LIAISON, Role.REQUESTER, Role.VOLUNTEER}),
        "bi-megaphone",
        295,
    )
)
register(
    NavEntry(
        SECTION,
        gettext_noop("其他志愿服务"),
        "lectures:other-service-list",
        frozenset({Role.FEDERATION_STAFF}),
        "bi-clipboard-check",
        308,
    )
)

# The library, the lectures and one's own registrations for every business role; the overview for staff.
register(
    NavEntry(
        SECTION, gettext_noop("课题库"), "lectures:topic-list", BUSINESS_ROLES, "bi-journal-bookmark", 290
    )
)
register(NavEntry(SECTION, gettext_noop("讲座"), "lectures:lecture-list", BUSINESS_ROLES, "bi-easel", 291))
register(
    NavEntry(
        SECTION, gettext_noop("我的报名"), "lectures:my-lectures", BUSINESS_ROLES, "bi-ticket-perforated", 292
    )
)
register(
    NavEntry(
        SECTION,
        gettext_noop("讲座统计"),
        "lectures:overview",
        frozenset({Role.FEDERATION_STAFF}),
        "bi-bar-chart-line",
        310,
    )
)
register(
    NavEntry(
        SECTION,
        gettext_noop("课题评审"),
        "lectures:review-queue",
        # Invited reviewers of other roles are told the page's address when invited (lectures.review).
        frozenset({Role.FEDERATION_STAFF, Role.VOLUNTEER}),
        "bi-clipboard-data",
        306,
    )
)
register(
    NavEntry(SECTION, gettext_noop("讲座日历"), "lectures:schedule", BUSINESS_ROLES, "bi-calendar3", 293)
)
