from django.utils.translation import gettext_noop as N_

from core.navigation import NavEntry, register
from core.roles import Role

register(NavEntry(N_("自查"), N_("台账导入"), "committees:ledger-upload", frozenset({Role.FEDERATION_STAFF}), "bi-file-earmark-arrow-up", 150))
