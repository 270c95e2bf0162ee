from core.navigation import NavEntry, register
from core.roles import Role

register(NavEntry("系统", "审计日志", "audit-log", frozenset({Role.AUDITOR}), "bi-journal-check", 900))
