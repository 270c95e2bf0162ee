from django.utils.translation import gettext_noop

from core.navigation import NavEntry, register
from core.roles import Role

register(
    NavEntry(
        gettext_noop("系统"),
        gettext_noop("审计日志"),
        "audit-log",
        frozenset({Role.AUDITOR}),
        "bi-journal-check",
        900,
    )
)
register(
    NavEntry(
        gettext_noop("系统"),
        gettext_noop("备份与恢复演练"),
        "backup-list",
        frozenset({Role.SYSTEM_ADMIN}),
        "bi-database-check",
        910,
    )
)
