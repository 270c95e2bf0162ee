from django.utils.translation import gettext_noop

from core.navigation import NavEntry, register
from core.roles import Role

register(
    NavEntry(
        gettext_noop("自查"),
        gettext_noop("台账导入"),
        "committees:ledger-upload",
        frozenset({Role.FEDERATION_STAFF}),
        "bi-file-earmark-arrow-up",
        150,
    )
)
