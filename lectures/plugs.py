"""What the lectures app contributes to the platform's registries (called from LecturesConfig.ready)."""

from __future__ import annotations


def register() -> None:
    from core.registry import audit_action_labels
    from core.testing.world import WorldExtender, world_extenders
    from lectures import testing

    audit_action_labels.register("lectures.volunteer_categories", "修改志愿者专业类别")
    world_extenders.register("lectures.rows", WorldExtender(extend=testing.add_lecture_rows), order=40)
