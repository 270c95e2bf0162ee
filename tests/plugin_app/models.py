from __future__ import annotations

from typing import Self

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.confidential import ConfidentialQuerySet
from core.fields import ConfidentialTextField
from core.models import TrackedModel
from core.roles import Role
from core.scoping import Scope
from core.states import StateMachine, Transition


class CareNoteQuerySet(ConfidentialQuerySet):
    """view: the federation's staff (as a count) and the note's author; read: the author alone."""

    actions = frozenset({"view", "change", "read"})

    def view_rule(self, scope: Scope) -> Self:
        return self.filter(
            models.Q(federation_id__in=scope.federations_with(Role.FEDERATION_STAFF))
            | models.Q(author_id=scope.user_id)
        )

    def change_rule(self, scope: Scope) -> Self:
        return self.filter(author_id=scope.user_id)

    def read_rule(self, scope: Scope) -> Self:
        return self.filter(author_id=scope.user_id)


class CareNote(TrackedModel):
    """A note about a family cared for (关爱记录), confidential."""

    federation = models.ForeignKey("orgs.Federation", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    body = ConfidentialTextField(_("内容"))
    locked = models.BooleanField(default=False)
    status = models.CharField(
        max_length=20,
        default="open",
        choices=[("open", "跟进中"), ("closed", "已结案"), ("archived", "已归档")],
    )
    closed_on = models.DateField(null=True, blank=True)

    objects = CareNoteQuerySet.as_manager()

    class Meta:
        verbose_name = _("关爱记录")

    def __str__(self) -> str:
        return gettext("关爱记录 #%(pk)s") % {"pk": self.pk}


NOTE_MACHINE = StateMachine(
    field="status",
    transitions=[
        Transition("close", source={"open"}, target="closed", label="结案"),
        Transition("reopen", source={"closed"}, target="open", label="重新打开", needs_reason=True),
        Transition("archive", source={"closed"}, target="archived", label="归档"),
    ],
)
