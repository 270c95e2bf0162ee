from core.navigation import NavEntry, register
from core.roles import Role

register(
    NavEntry(
        "自查", "自查工作台", "dashboard:index", frozenset({Role.FEDERATION_STAFF, Role.UNIT_LIAISON}), "bi-speedometer2", 10
    )
)
