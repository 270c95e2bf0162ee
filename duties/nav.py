from django.utils.translation import gettext_noop

from core.navigation import NavEntry, register
from core.roles import Role

STAFF_AND_SUPERVISORS = frozenset({Role.FEDERATION_STAFF, Role.HOTLINE_SUPERVISOR, Role.UNIT_LIAISON})

register(
    NavEntry(
        gettext_noop("执委履职"),
        gettext_noop("我的履职"),
        "duties:mine",
        frozenset({Role.EXECUTIVE}),
        "bi-person-badge",
        300,
    )
)
register(
    NavEntry(
        gettext_noop("执委履职"),
        gettext_noop("执委名单"),
        "duties:executive-list",
        STAFF_AND_SUPERVISORS,
        "bi-people",
        301,
    )
)
register(
    NavEntry(
        gettext_noop("执委履职"),
        gettext_noop("联系覆盖"),
        "duties:coverage",
        frozenset({Role.FEDERATION_STAFF}),
        "bi-diagram-3",
        302,
    )
)
register(
    NavEntry(
        gettext_noop("执委履职"),
        gettext_noop("履职设置"),
        "duties:settings",
        frozenset({Role.FEDERATION_STAFF}),
        "bi-sliders",
        309,
    )
)
register(
    NavEntry(
        gettext_noop("执委履职"),
        gettext_noop("值班表"),
        "duties:roster",
        frozenset({Role.FEDERATION_STAFF, Role.HOTLINE_SUPERVISOR, Role.EXECUTIVE}),
        "bi-calendar-week",
        303,
    )
)
register(
    NavEntry(
        gettext_noop("执委履职"),
        gettext_noop("来电来访个案"),
        "duties:case-list",
        frozenset({Role.EXECUTIVE, Role.HOTLINE_SUPERVISOR}),
        "bi-telephone",
        304,
    )
)
register(
    NavEntry(
        gettext_noop("执委履职"),
        gettext_noop("热线统计"),
        "duties:case-stats",
        frozenset({Role.FEDERATION_STAFF, Role.HOTLINE_SUPERVISOR}),
        "bi-bar-chart",
        305,
    )
)
register(
    NavEntry(
        gettext_noop("执委履职"),
        gettext_noop("交流会"),
        "duties:meeting-list",
        frozenset({Role.FEDERATION_STAFF, Role.EXECUTIVE}),
        "bi-chat-square-text",
        306,
    )
)
register(
    NavEntry(
        gettext_noop("执委履职"),
        gettext_noop("建言献策"),
        "duties:suggestion-list",
        frozenset({Role.FEDERATION_STAFF, Role.EXECUTIVE, Role.UNIT_LIAISON}),
        "bi-lightbulb",
        307,
    )
)
register(
    NavEntry(
        gettext_noop("执委履职"),
        gettext_noop("履职档案"),
        "duties:records",
        frozenset({Role.FEDERATION_STAFF, Role.UNIT_LIAISON, Role.HOTLINE_SUPERVISOR}),
        "bi-journal-text",
        308,
    )
)
