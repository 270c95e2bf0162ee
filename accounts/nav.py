from core.navigation import NavEntry, register
from core.roles import Role

register(NavEntry("系统", "账号管理", "accounts:user-list", frozenset({Role.SYSTEM_ADMIN}), "bi-people", 910))
register(NavEntry("系统", "角色分配", "accounts:role-list", frozenset({Role.SECURITY_ADMIN}), "bi-shield-lock", 920))
register(NavEntry("系统", "密码策略", "accounts:password-policy", frozenset({Role.SECURITY_ADMIN}), "bi-shield-lock", 930))
