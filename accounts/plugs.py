"""What the accounts app contributes to core's registries (called from AccountsConfig.ready)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

# The audit log's names of the accounts app's own events.
AUDIT_ACTIONS = {
    "credential_reset_request": _("申请重置登录凭据"),
    "credential_reset_issue": _("交付重置码"),
    "credential_reset_redeem": _("用重置码设置密码"),
    "credential_reset_cancel": _("撤销重置申请"),
    "token_revoke": _("撤销接口令牌"),
}


def register() -> None:
    from accounts import demo, testing
    from accounts.scope import load_scope
    from core.registry import DemoLoader, HomeCard, audit_action_labels, demo_loaders, home_cards
    from core.reminders import register_audience_resolver
    from core.roles import BUSINESS_ROLES
    from core.scoping import register_scope_loader
    from core.testing.world import TestingHooks, WorldExtender, testing_hooks, world_extenders

    register_scope_loader(load_scope)
    for action, label in AUDIT_ACTIONS.items():
        audit_action_labels.register(action, label)
    register_audience_resolver(reminder_audience)
    demo_loaders.register("accounts.demo_accounts", DemoLoader(load=demo.load_demo), order=20)
    world_extenders.register("accounts.personas", WorldExtender(extend=testing.add_personas), order=10)
    world_extenders.register("accounts.credential_resets", WorldExtender(extend=testing.add_credential_resets),
                             order=11)
    testing_hooks.register("accounts", TestingHooks(login=testing.login, api_headers=testing.api_headers))
    # Whom to ask, for the roles that have no working page of their own.
    home_cards.register(
        "accounts.contacts",
        HomeCard(template="accounts/home_contacts.html", context=contacts_card, roles=frozenset(BUSINESS_ROLES),
                 serves_roles=False),
        order=90,
    )


def reminder_audience(
    federation_ids: frozenset[int], roles: frozenset[str], user_ids: frozenset[int]
) -> tuple[list[Any], dict[int, Any]]:
    """core.reminders' audience resolver: the active holders of `roles` in those federations (with the unit a
    role is bound to), and the active named users; two queries at most."""
    from accounts.models import RoleAssignment, User
    from core.reminders import Holder

    holders = [
        Holder(user=a.user, role=a.role, federation_id=a.federation_id, unit_id=a.unit_id)
        for a in RoleAssignment.objects.filter(federation_id__in=federation_ids, role__in=roles, user__is_active=True)
        .select_related("user__person")
    ] if federation_ids and roles else []
    users = {u.pk: u for u in User.objects.filter(pk__in=user_ids, is_active=True).select_related("person")} \
        if user_ids else {}
    return holders, users


def contacts_card(request: Any, scope: Any) -> dict[str, Any] | None:
    """Home card: whom to ask — the federation staff of the user's federations (names and addresses only)."""
    from accounts.models import RoleAssignment
    from core.roles import Role

    federations: frozenset[int] = scope.federation_ids
    rows = (
        RoleAssignment.objects.filter(federation_id__in=federations, role=Role.FEDERATION_STAFF, user__is_active=True)
        .exclude(user_id=scope.user_id)
        .select_related("user", "federation")
        .order_by("federation__name", "user__display_name", "user__username")[:6]
    )
    contacts = [{"name": a.user.label, "email": a.user.email, "role": Role(a.role).label, "federation": a.federation.name}
                for a in rows]
    return {"contacts": contacts} if contacts else None
