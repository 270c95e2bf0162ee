from django.utils.translation import gettext_noop

from core.navigation import NavEntry, register
from core.roles import Role

SYSTEM = gettext_noop("系统")
register(NavEntry(SYSTEM, gettext_noop("账号管理"), "accounts:user-list", frozenset({Role.SYSTEM_ADMIN}), "bi-people", 905))
register(NavEntry(SYSTEM, gettext_noop("角色分配"), "accounts:role-list", frozenset({Role.SECURITY_ADMIN}), "bi-shield-lock", 920))
register(NavEntry(SYSTEM, gettext_noop("密码策略"), "accounts:password-policy", frozenset({Role.SECURITY_ADMIN}), "bi-key", 930))
register(NavEntry(SYSTEM, gettext_noop("账号重置"), "accounts:reset-list",
                   frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR}), "bi-key-fill", 910))
