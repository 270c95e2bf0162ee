"""The roles of domain.md. A user holds any number of them through accounts.RoleAssignment."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    FEDERATION_STAFF = "federation_staff", _("区妇联工作人员")
    UNIT_LIAISON = "unit_liaison", _("单位妇委会主任/联络员")
    EXECUTIVE = "executive", _("执委")
    HOTLINE_SUPERVISOR = "hotline_supervisor", _("权益部/热线负责人")
    VOLUNTEER = "volunteer", _("巾帼志愿者/志愿讲师")
    REQUESTER = "requester", _("基层/社区联系人")
    SYSTEM_ADMIN = "system_admin", _("系统管理员")
    SECURITY_ADMIN = "security_admin", _("安全管理员")
    AUDITOR = "auditor", _("审计管理员")


# 三员分立: these three are held apart from each other and read no business data by default.
ADMIN_ROLES: frozenset[str] = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR})
BUSINESS_ROLES: frozenset[str] = frozenset(set(Role.values) - ADMIN_ROLES)
# Roles whose holder must be bound to one unit.
UNIT_ROLES: frozenset[str] = frozenset({Role.UNIT_LIAISON})
# Roles that see the whole federation's organisational registry.
FEDERATION_WIDE_ROLES: frozenset[str] = frozenset({Role.FEDERATION_STAFF, Role.HOTLINE_SUPERVISOR})
