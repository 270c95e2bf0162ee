from django.utils.translation import gettext_noop as N_

from core.navigation import NavEntry, register
from core.roles import Role

register(NavEntry(N_("系统"), N_("审计日志"), "audit-log", frozenset({Role.AUDITOR}), "bi-journal-check", 900))
