from django.utils.translation import gettext_noop

from core.navigation import NavEntry, register
from core.roles import FEDERATION_WIDE_ROLES, Role

register(
    NavEntry(
        gettext_noop("组织"),
        gettext_noop("单位名录"),
        "orgs:unit-list",
        frozenset(FEDERATION_WIDE_ROLES | {Role.UNIT_LIAISON}),
        "bi-building",
        20,
    )
)
register(
    NavEntry(
        gettext_noop("组织"),
        gettext_noop("人员名录"),
        "orgs:person-list",
        frozenset({Role.FEDERATION_STAFF, Role.UNIT_LIAISON}),
        "bi-person-vcard",
        30,
    )
)
register(
    NavEntry(
        gettext_noop("组织"),
        gettext_noop("规则设置"),
        "orgs:my-federation-settings",
        frozenset({Role.FEDERATION_STAFF}),
        "bi-sliders",
        40,
    )
)
