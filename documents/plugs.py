"""What the document library contributes to the platform's registries (called from DocumentsConfig.ready)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _


def item_guidance(user: Any, federation_id: int) -> dict[int, list[Any]]:
    """assessment.item_guidance: the published documents guiding each item of the evaluation form."""
    from documents import selectors

    return selectors.guidance_by_item(user, federation_id)  # type: ignore[return-value]


def register() -> None:
    from assessment.registry import item_guidance as guidance_registry
    from core.registry import DemoLoader, audit_action_labels, demo_loaders
    from core.testing.world import WorldExtender, world_extenders
    from documents import demo, services, testing  # noqa: F401 - services registers its audit labels

    guidance_registry.register("documents.library", item_guidance)
    demo_loaders.register("documents.demo", DemoLoader(load=demo.load_demo, present=demo.present), order=55)
    world_extenders.register("documents.library", WorldExtender(extend=testing.add_to_world), order=70)
    audit_action_labels.register("documents.document_create", _("新建文件"))
    audit_action_labels.register("documents.consultation_conclude", _("结束征求意见并发布正式版本"))
