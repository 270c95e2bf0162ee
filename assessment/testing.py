"""The self-inspection's rows in the test world (core.testing.world): per federation a default template
and a cycle of the current year with a form for each of its units (unit_a1's and unit_b1's included)."""

from __future__ import annotations

import datetime as dt

from core import clock
from core.testing.world import World


def add_to_world(world: World) -> None:
    from assessment import services

    today = clock.today()
    for fed in (world.fed_a, world.fed_b):
        template = services.template_create_default(federation_id=fed.pk)
        cycle = services.cycle_open(
            template=template, year=today.year, deadline=today + dt.timedelta(days=30)
        )
        world.add(**{f"template_{fed.pk}": template, f"cycle_{fed.pk}": cycle})
    world.add(
        template_a=world.objects[f"template_{world.fed_a.pk}"],
        cycle_a=world.objects[f"cycle_{world.fed_a.pk}"],
        template_b=world.objects[f"template_{world.fed_b.pk}"],
        cycle_b=world.objects[f"cycle_{world.fed_b.pk}"],
    )


def add_evidence(world: World) -> None:
    """A file of evidence (a PDF) on unit_a1's and unit_b1's forms, for items 4 and 5, and a link on unit_a1's."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from assessment import services
    from assessment.models import SelfCheck

    for unit, cycle in ((world.unit_a1, world.cycle_a), (world.unit_b1, world.cycle_b)):
        selfcheck = SelfCheck.objects.get(cycle=cycle, unit=unit)
        items = list(cycle.items.filter(number__in=(4, 5)).values_list("pk", flat=True))
        upload = SimpleUploadedFile(
            f"{unit.name}工作制度.pdf",
            b"%PDF-1.4\n% " + unit.name.encode() + b"\n%%EOF\n",
            content_type="application/pdf",
        )
        ev = services.evidence_add(
            selfcheck=selfcheck, title=f"{unit.name}妇委会工作制度", item_ids=items, upload=upload
        )
        world.add(**{f"evidence_{unit.pk}": ev})
    selfcheck = SelfCheck.objects.get(cycle=world.cycle_a, unit=world.unit_a1)
    services.evidence_add(
        selfcheck=selfcheck,
        title="历届情况",
        item_ids=items[:1] and list(world.cycle_a.items.filter(number=4).values_list("pk", flat=True)),
        link_url=f"/committees/units/{world.unit_a1.pk}/history/",
    )


def add_rectifications(world: World) -> None:
    """Rectification items on unit_a1's and unit_b1's forms (their items below the threshold)."""
    from assessment import services
    from assessment.models import SelfCheck

    for unit, cycle in ((world.unit_a1, world.cycle_a), (world.unit_b1, world.cycle_b)):
        services.rectifications_open(
            selfcheck=SelfCheck.objects.get(cycle=cycle, unit=unit),
            deadline=clock.today() + dt.timedelta(days=60),
        )


def tiny_png() -> bytes:
    """A valid 1×1 PNG (a photo of a highlight in tests)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xb3\x26\x1e"))
        + chunk(b"IEND", b"")
    )


def add_highlights(world: World) -> None:
    """Highlights in every state and an exchange session per federation: unit_a1 a draft and a published
    one with a photo (item 5), unit_a2 a submitted one, unit_b1 a published one; fed_a's session presents
    unit_a1's published and unit_a2's submitted highlight. Added after the rectifications, so those stay
    as the committee and metric data make them."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from assessment import services

    today = clock.today()
    item5 = world.cycle_a.items.get(number=5)
    draft = services.highlight_create(unit=world.unit_a1, title="妇女之家建设设想", text="拟在三楼设立妇女之家。")
    published = services.highlight_create(
        unit=world.unit_a1, title="巾帼读书会", text="每月一次读书分享，参加 40 人次。", item_ids=[item5.pk]
    )
    photo = services.highlight_file_add(
        highlight=published,
        upload=SimpleUploadedFile("读书会.png", tiny_png(), content_type="image/png"),
    )
    services.highlight_submit(highlight=published)
    services.highlight_publish(highlight=published)
    submitted = services.highlight_create(unit=world.unit_a2, title="女职工关爱驿站", text="设立母婴室与休息区。")
    services.highlight_submit(highlight=submitted)
    other = services.highlight_create(unit=world.unit_b1, title="亲子运动会", text="组织职工家庭亲子活动。")
    services.highlight_submit(highlight=other)
    services.highlight_publish(highlight=other)
    session_a = services.session_create(
        federation_id=world.fed_a.pk,
        title="机关妇女工作经验交流会",
        held_on=today,
        place="区妇联三楼会议室",
        highlight_ids=[published.pk, submitted.pk],
    )
    session_b = services.session_create(
        federation_id=world.fed_b.pk, title="外区交流会", held_on=today, place="外区会议室",
        highlight_ids=[other.pk],
    )
    world.add(
        highlight_draft_a1=draft,
        highlight_published_a1=published,
        highlight_photo_a1=photo,
        highlight_submitted_a2=submitted,
        highlight_published_b1=other,
        session_a=session_a,
        session_b=session_b,
    )
