from core.navigation import NavEntry, register
from core.roles import FEDERATION_WIDE_ROLES, Role

register(NavEntry("组织", "单位名录", "orgs:unit-list", frozenset(FEDERATION_WIDE_ROLES | {Role.UNIT_LIAISON}), "bi-building", 20))
