from django.utils.translation import gettext_noop

from core.navigation import NavEntry, register
from core.roles import Role

register(
    NavEntry(
        gettext_noop("自查"),
        gettext_noop("量化自查"),
        "assessment:index",
        frozenset({Role.FEDERATION_STAFF, Role.UNIT_LIAISON}),
        "bi-clipboard-check",
        120,
    )
)
register(
    NavEntry(
        gettext_noop("自查"),
        gettext_noop("亮点工作信息"),
        "assessment:highlight-list",
        frozenset({Role.FEDERATION_STAFF, Role.UNIT_LIAISON}),
        "bi-star",
        121,
    )
)
