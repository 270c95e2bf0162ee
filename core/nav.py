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

# The auditor's working page is the audit log.
from core.registry import LandingPage, landing_pages  # noqa: E402

landing_pages.register("core.audit", LandingPage(url_name="audit-log", roles=frozenset({Role.AUDITOR})), order=90)
