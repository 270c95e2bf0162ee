"""The session's user, loaded with its scope (accounts.scope.scope_columns) in the same statement."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from accounts.models import User
from accounts.scope import scope_columns


class ScopedModelBackend(ModelBackend):
    """Django's ModelBackend, except that the user of a session comes with its role assignments and its
    person's unit, so that a request needs no query of its own for them (core.scoping.scope_for)."""

    def get_user(self, user_id: Any) -> Any:
        try:
            user = User._default_manager.annotate(**scope_columns()).get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
