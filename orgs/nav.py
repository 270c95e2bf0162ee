from django.utils.translation import gettext_noop as N_

from core.navigation import NavEntry, register
from core.roles import FEDERATION_WIDE_ROLES, Role

register(NavEntry(N_("组织"), N_("单位名录"), "orgs:unit-list", frozenset(FEDERATION_WIDE_ROLES | {Role.UNIT_LIAISON}), "bi-building", 20))
