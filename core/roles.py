"""The roles of domain.md. A user holds any number of them through accounts.RoleAssignment."""

from typing import Any

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

# Roles bound to one organisation, and the kind it is: a liaison speaks for one unit, a community
# contact for one community. Volunteers and executives may be bound to the unit they serve (optional).
# One mechanism for all of them: RoleAssignment carries the organisation, core.scoping.Scope.bindings
# maps each role to its organisations' ids.
ROLE_BINDINGS: dict[str, str] = {
    Role.UNIT_LIAISON: "unit",
    Role.VOLUNTEER: "unit",
    Role.EXECUTIVE: "unit",
    Role.REQUESTER: "community",
}
# Roles that cannot be granted without their organisation.
BINDING_REQUIRED: frozenset[str] = frozenset({Role.UNIT_LIAISON, Role.REQUESTER})

# What the platform does for each business role: the home page says it to holders whose role has no
# page of its own yet (no app has registered a home card for it), with whom to ask.
ROLE_PROMISES: dict[str, Any] = {
    Role.FEDERATION_STAFF: _("查看全区妇委会组建、换届、补缺情况，组织量化自查，管理讲师与课题库、执委值班。"),
    Role.UNIT_LIAISON: _("维护本单位妇委会的组建、换届和委员信息，完成本单位的量化自查，为本单位职工点单讲座。"),
    Role.EXECUTIVE: _("记录联系群众的情况，查看和调换 12338 热线、接访值班，登记来电来访，提交建言献策，查看自己的履职档案。"),
    Role.HOTLINE_SUPERVISOR: _("查看和督办本区 12338 热线、来访的全部个案，审批转介，跟进回访。"),
    Role.VOLUNTEER: _("维护讲师资料，申报课题，查看自己的讲座安排、学员反馈和志愿服务时长，下载服务证明。"),
    Role.REQUESTER: _("浏览课题库，为本社区点单讲座，报名参加，讲座结束后评价。"),
}
