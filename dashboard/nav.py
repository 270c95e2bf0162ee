from django.utils.translation import gettext_noop

from core.navigation import NavEntry, register
from core.roles import Role

register(
    NavEntry(
        gettext_noop("自查"),
        gettext_noop("自查工作台"),
        "dashboard:index",
        frozenset({Role.FEDERATION_STAFF, Role.UNIT_LIAISON}),
        "bi-speedometer2",
        10,
    )
)
