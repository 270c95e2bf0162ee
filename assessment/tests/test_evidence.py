"""Evidence: files checked by content and size, hashed, kept outside the web root, served only in scope;
links to platform records; one piece for several items."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from assessment import selectors, services
from assessment.models import Evidence, SelfCheck
from core.testing.asserts import refused
from core.testing.world import build_world

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def world(db):
    return build_world()


def form_a1(world):
    return SelfCheck.objects.get(cycle=world.cycle_a, unit=world.unit_a1)


def item(world, number):
    return world.cycle_a.items.get(number=number)


def test_a_file_is_stored_by_its_hash_outside_the_web_root(world, settings):
    selfcheck = form_a1(world)
    ev = services.evidence_add(
        selfcheck=selfcheck,
        title="",
        item_ids=[item(world, 5).pk],
        upload=SimpleUploadedFile("活动照片.png", PNG),
    )
    assert (
        ev.sha256 == hashlib.sha256(PNG).hexdigest() and ev.file_kind == "png" and ev.title == "活动照片.png"
    )
    stored = services.private_dir() / ev.path
    assert stored.read_bytes() == PNG
    assert not str(stored).startswith(str(settings.STATIC_ROOT)) and not str(stored).startswith(
        str(settings.MEDIA_ROOT)
    )


def test_one_piece_of_evidence_serves_several_items_and_scores_them(world):
    selfcheck = form_a1(world)
    services.selfcheck_save(selfcheck=selfcheck, answers={item(world, 5).pk: {"value": "4"}})
    view = selectors.form_view(selfcheck)
    # The world's PDF serves items 4 and 5.
    four = next(x for x in view.lines if x.item.number == 4)
    five = next(x for x in view.lines if x.item.number == 5)
    assert four.result.score == 10 and five.result.score == 10 and "附佐证材料 1 份" in five.result.sentence
    assert {e.title for e in five.evidence} == {f"{world.unit_a1.name}妇委会工作制度"}


@pytest.mark.parametrize(
    "content,name", [(b"MZ\x90\x00executable", "制度.pdf"), (b"<script>alert(1)</script>", "a.png")]
)
def test_bad_types_are_refused_whatever_their_name(world, content, name):
    with refused(
        services.MSG_EVIDENCE_REFUSED
        % {
            "reason": "文件类型不在允许范围内（允许：PDF、PNG、JPEG、Word (.docx)、Excel (.xlsx)）。文件的实际内容决定类型，改扩展名无效。"
        }
    ):
        services.evidence_add(
            selfcheck=form_a1(world),
            title="x",
            item_ids=[item(world, 4).pk],
            upload=SimpleUploadedFile(name, content),
        )


@override_settings(JINGUO_MAX_UPLOAD_BYTES=100)
def test_too_large_files_are_refused(world):
    with refused(
        services.MSG_EVIDENCE_REFUSED
        % {
            "reason": "文件过大：最大允许 100 字节，上传的文件为 233 字节。请删除无关的工作表或图片后重新上传。"
        }
    ):
        services.evidence_add(
            selfcheck=form_a1(world),
            title="x",
            item_ids=[item(world, 4).pk],
            upload=SimpleUploadedFile("big.pdf", PDF + b"x" * 200),
        )


def test_links_must_stay_on_the_platform_and_items_are_required(world):
    selfcheck = form_a1(world)
    for bad in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
        with refused(services.MSG_EVIDENCE_LINK):
            services.evidence_add(selfcheck=selfcheck, title="x", item_ids=[item(world, 4).pk], link_url=bad)
    with refused(services.MSG_EVIDENCE_ITEMS):
        services.evidence_add(
            selfcheck=selfcheck, title="x", item_ids=[item(world, 4).pk + 100000], link_url="/x/"
        )
    with refused(services.MSG_EVIDENCE_NOTHING):
        services.evidence_add(selfcheck=selfcheck, title="x", item_ids=[item(world, 4).pk])


def test_files_are_served_only_in_scope(world, client_as):
    ev = world.objects[f"evidence_{world.unit_a1.pk}"]
    url = reverse("assessment:evidence-open", args=[ev.pk])
    for user in (world.liaison, world.staff):
        resp = client_as(user).get(url)
        assert resp.status_code == 200 and b"".join(resp.streaming_content).startswith(b"%PDF")
        assert resp["X-Content-Type-Options"] == "nosniff" and resp["Content-Type"] == "application/pdf"
    for user in (world.other_liaison, world.outsider, world.volunteer):
        assert client_as(user).get(url).status_code in (403, 404)


def test_a_link_evidence_redirects_to_its_record(world, client_as):
    ev = Evidence.objects.get(unit=world.unit_a1, link_url__startswith="/committees/")
    resp = client_as(world.liaison).get(reverse("assessment:evidence-open", args=[ev.pk]))
    assert resp.status_code == 302 and resp["Location"] == ev.link_url


def test_the_liaison_uploads_through_the_page_and_bad_files_come_back_on_the_form(world, client_as):
    selfcheck = form_a1(world)
    client = client_as(world.liaison)
    url = reverse("assessment:evidence-add", args=[selfcheck.pk])
    assert client.get(url).status_code == 200
    resp = client.post(
        url,
        {"title": "纪要", "items": [item(world, 5).pk], "file": SimpleUploadedFile("纪要.pdf", b"GIF89a")},
    )
    assert resp.status_code == 400 and "文件类型不在允许范围内" in resp.content.decode()
    resp = client.post(
        url,
        {
            "title": "纪要",
            "items": [item(world, 5).pk, item(world, 8).pk],
            "file": SimpleUploadedFile("纪要.pdf", PDF),
        },
    )
    assert resp.status_code == 302
    ev = Evidence.objects.get(title="纪要")
    assert set(ev.items.values_list("number", flat=True)) == {5, 8}


def test_evidence_cannot_change_after_submission(world):
    selfcheck = form_a1(world)
    services.selfcheck_save(
        selfcheck=selfcheck, answers={item(world, 5).pk: {"value": "4"}, item(world, 8).pk: {"value": "0"}}
    )
    services.selfcheck_submit(selfcheck=selfcheck)
    ev = world.objects[f"evidence_{world.unit_a1.pk}"]
    with refused(services.MSG_LOCKED):
        services.evidence_remove(evidence=Evidence.objects.get(pk=ev.pk))
