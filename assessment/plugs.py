"""What the self-inspection contributes to the platform's registries (called from AssessmentConfig.ready)."""

from __future__ import annotations


def register() -> None:
    from assessment import testing
    from core.registry import audit_action_labels
    from core.testing.world import WorldExtender, world_extenders

    audit_action_labels.register("assessment.cycle_open", "开启量化自查")
    world_extenders.register("assessment.cycles", WorldExtender(extend=testing.add_to_world), order=60)
