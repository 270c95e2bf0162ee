"""Highlights (亮点工作信息): written by a unit, submitted, published by the staff to the feed every unit
sees, or returned; exchange sessions (经验交流); item 10 scored from them; the staff's overview."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessment import selectors, services
from assessment.models import HIGHLIGHT_MACHINE, Highlight, ItemAnswer, SelfCheck
from assessment.testing import tiny_png
from core.states import MSG_MOVE_REFUSED, MSG_REASON_REQUIRED
from core.testing.asserts import refused
from core.testing.world import api_headers, build_world


@pytest.fixture
def world(db):
    return build_world(committee_history=True)


def form_a1(world):
    return SelfCheck.objects.get(cycle=world.cycle_a, unit=world.unit_a1)


def item10(selfcheck):
    return next(x for x in selectors.form_view(selfcheck).lines if x.item.number == 10)


def new_highlight(world, **kw):
    return services.highlight_create(
        unit=kw.pop("unit", world.unit_a1),
        title=kw.pop("title", "职工子女暑期托管班"),
        text="暑期开班 4 周。",
        **kw,
    )


# ---- the lifecycle and its refusals -------------------------------------------------------------------


def test_a_highlight_goes_from_draft_to_submitted_to_published(world):
    h = new_highlight(world)
    assert (h.status, h.cycle_id) == ("draft", world.cycle_a.pk)
    services.highlight_submit(highlight=h)
    assert h.status == "submitted" and h.submitted_on is not None
    services.highlight_publish(highlight=h)
    h.refresh_from_db()
    assert h.status == "published" and h.published_on is not None
    assert [s.transition for s in HIGHLIGHT_MACHINE.timeline(h)] == ["submit", "publish"]


def test_moves_out_of_order_are_refused_in_chinese(world):
    h = new_highlight(world)
    with refused(MSG_MOVE_REFUSED % {"state": "草稿", "move": "发布"}):
        services.highlight_publish(highlight=h)
    with refused(MSG_MOVE_REFUSED % {"state": "草稿", "move": "退回"}):
        services.highlight_return(highlight=h, comment="请补充照片")
    services.highlight_submit(highlight=h)
    with refused(MSG_MOVE_REFUSED % {"state": "已报送", "move": "报送"}):
        services.highlight_submit(highlight=h)
    with refused(MSG_REASON_REQUIRED):
        services.highlight_return(highlight=h, comment="  ")
    services.highlight_publish(highlight=h)
    with refused(MSG_MOVE_REFUSED % {"state": "已发布", "move": "退回"}):
        services.highlight_return(highlight=h, comment="x")


def test_returned_highlight_is_the_units_to_edit_and_submit_again(world):
    h = new_highlight(world)
    services.highlight_submit(highlight=h)
    services.highlight_return(highlight=h, comment="请补充活动照片")
    assert (h.status, h.return_comment) == ("returned", "请补充活动照片")
    services.highlight_update(highlight=h, title="暑期托管班", text="四周，60 名职工子女。", item_ids=[])
    services.highlight_submit(highlight=h)
    assert h.status == "submitted" and h.return_comment == ""


def test_who_edits_when(world):
    h = new_highlight(world)
    with refused(services.MSG_HIGHLIGHT_STAFF_ONLY_SUBMITTED):
        services.highlight_update(highlight=h, title="x", text="y", item_ids=[], by_staff=True)
    services.highlight_submit(highlight=h)
    with refused(services.MSG_HIGHLIGHT_UNIT_LOCKED):
        services.highlight_update(highlight=h, title="x", text="y", item_ids=[])
    with refused(services.MSG_HIGHLIGHT_UNIT_LOCKED):
        services.highlight_file_add(
            highlight=h, upload=SimpleUploadedFile("a.png", tiny_png(), content_type="image/png")
        )
    services.highlight_update(highlight=h, title="托管班（区妇联修改）", text="y", item_ids=[], by_staff=True)
    assert Highlight.objects.get(pk=h.pk).title == "托管班（区妇联修改）"


def test_fields_and_items_are_checked(world):
    with refused(services.MSG_HIGHLIGHT_TITLE):
        new_highlight(world, title=" ")
    with refused(services.MSG_HIGHLIGHT_TEXT):
        services.highlight_create(unit=world.unit_a1, title="x", text="")
    other_cycle_item = world.cycle_b.items.get(number=5)
    with refused(services.MSG_HIGHLIGHT_ITEMS):
        new_highlight(world, item_ids=[other_cycle_item.pk])
    with refused(services.MSG_HIGHLIGHT_CYCLE):
        new_highlight(world, cycle=world.cycle_b)


def test_files_are_checked_by_content(world):
    h = new_highlight(world)
    from core.uploads import DOCUMENT_KINDS, MSG_TYPE_NOT_ALLOWED

    allowed = "、".join(str(DOCUMENT_KINDS[k][0]) for k in services.HIGHLIGHT_FILE_KINDS)
    reason = str(MSG_TYPE_NOT_ALLOWED) % {"allowed": allowed}
    with refused(str(services.MSG_HIGHLIGHT_FILE_REFUSED) % {"reason": reason}):
        services.highlight_file_add(
            highlight=h,
            upload=SimpleUploadedFile("photo.png", b"MZ\x90\x00 not a png", content_type="image/png"),
        )
    f = services.highlight_file_add(
        highlight=h, upload=SimpleUploadedFile("活动.png", tiny_png(), content_type="image/png")
    )
    assert (f.file_kind, f.is_photo, len(f.sha256)) == ("png", True, 64)


# ---- scope -----------------------------------------------------------------------------------------


def test_a_liaison_sees_her_drafts_the_published_feed_and_nothing_else(world, client_as):
    draft, pub_a1 = world.highlight_draft_a1, world.highlight_published_a1
    sub_a2, pub_b1 = world.highlight_submitted_a2, world.highlight_published_b1
    seen = set(Highlight.objects.visible_to(world.liaison))
    assert seen == {draft, pub_a1}
    # Another unit's liaison: the published one, not unit_a1's draft.
    assert set(Highlight.objects.visible_to(world.other_liaison)) == {pub_a1, sub_a2}
    # The staff: what was submitted to them, never a draft; another federation sees its own feed.
    assert set(Highlight.objects.visible_to(world.staff)) == {pub_a1, sub_a2}
    assert pub_b1 in Highlight.objects.visible_to(
        world.outsider
    ) and pub_a1 not in Highlight.objects.visible_to(world.outsider)
    client = client_as(world.other_liaison)
    assert client.get(reverse("assessment:highlight-detail", args=[draft.pk])).status_code == 404
    assert client.get(reverse("assessment:highlight-detail", args=[pub_a1.pk])).status_code == 200
    # Seen but not hers: she cannot edit or submit it.
    assert client.get(reverse("assessment:highlight-edit", args=[pub_a1.pk])).status_code == 403
    photo = world.highlight_photo_a1
    assert client.get(reverse("assessment:highlight-file-open", args=[photo.pk])).status_code == 200
    outsider = client_as(world.outsider)
    assert outsider.get(reverse("assessment:highlight-file-open", args=[photo.pk])).status_code == 404


def test_the_feed_page(world, client_as):
    page = client_as(world.other_liaison).get(reverse("assessment:highlight-list")).content.decode()
    assert "巾帼读书会" in page and "女职工关爱驿站" in page and "妇女之家建设设想" not in page
    staff_page = client_as(world.staff).get(reverse("assessment:highlight-list")).content.decode()
    assert "待发布的报送" in staff_page and "妇女之家建设设想" not in staff_page


def test_liaison_submits_and_staff_publish_through_the_pages(world, client_as):
    liaison = client_as(world.liaison)
    resp = liaison.post(
        reverse("assessment:highlight-create"), {"title": "巾帼建功岗", "text": "设立 5 个岗位。"}
    )
    assert resp.status_code == 302
    h = Highlight.objects.get(title="巾帼建功岗")
    assert liaison.post(reverse("assessment:highlight-submit", args=[h.pk])).status_code == 302
    again = liaison.post(reverse("assessment:highlight-submit", args=[h.pk]))
    assert again.status_code == 400 and "不能执行“报送”" in again.content.decode()
    staff = client_as(world.staff)
    assert staff.post(reverse("assessment:highlight-publish", args=[h.pk])).status_code == 302
    assert Highlight.objects.get(pk=h.pk).status == "published"


def test_propose_an_items_practice_as_a_highlight(world, client_as):
    answer = ItemAnswer.objects.get(selfcheck=form_a1(world), item__number=5)
    services.selfcheck_save(
        selfcheck=form_a1(world), answers={answer.item_id: {"value": "4", "note": "每季度一次主题党日"}}
    )
    client = client_as(world.liaison)
    page = client.get(reverse("assessment:highlight-propose", args=[answer.pk])).content.decode()
    assert "思想引领的做法" in page and "每季度一次主题党日" in page
    resp = client.post(
        reverse("assessment:highlight-propose", args=[answer.pk]), {"title": "主题党日", "text": "每季度一次"}
    )
    h = Highlight.objects.get(title="主题党日")
    assert resp.status_code == 302 and resp["Location"] == reverse("assessment:highlight-detail", args=[h.pk])
    assert [i.number for i in h.items.all()] == [5] and h.status == "draft"
    assert (
        client_as(world.other_liaison)
        .get(reverse("assessment:highlight-propose", args=[answer.pk]))
        .status_code
        == 404
    )


# ---- item 10 ---------------------------------------------------------------------------------------


def test_submitting_and_publishing_move_item_10_and_a_submitted_form_does_not_move(world):
    selfcheck = form_a1(world)
    before = item10(selfcheck).result
    assert "报送亮点 1 条" in before.sentence and "其中 1 条已发布" in before.sentence
    h = new_highlight(world)
    assert item10(selfcheck).result == before  # a draft counts for nothing
    services.highlight_submit(highlight=h)
    submitted = item10(selfcheck).result
    assert submitted.score > before.score and "报送亮点 2 条" in submitted.sentence
    assert any(e.url == reverse("assessment:highlight-detail", args=[h.pk]) for e in submitted.evidence)
    # Published count already meets its target here: publishing one more moves the sentence, not the score.
    services.highlight_publish(highlight=h)
    published = item10(selfcheck).result
    assert "其中 2 条已发布" in published.sentence
    # The form is submitted: a later highlight does not move it, and the page says what changed.
    from assessment.tests.test_cycles import fill_all

    fill_all(selfcheck)
    services.selfcheck_submit(selfcheck=selfcheck)
    later = new_highlight(world, title="新亮点")
    services.highlight_submit(highlight=later)
    frozen = item10(SelfCheck.objects.get(pk=selfcheck.pk))
    assert frozen.result.sentence == published.sentence and frozen.result.score == published.score
    assert frozen.moved is not None and "报送亮点 3 条" in frozen.moved.sentence


def test_a_returned_highlight_is_not_counted(world):
    selfcheck = form_a1(world)
    h = new_highlight(world)
    services.highlight_submit(highlight=h)
    counted = item10(selfcheck).result
    services.highlight_return(highlight=h, comment="请补充")
    assert item10(selfcheck).result.score < counted.score


# ---- exchange sessions -----------------------------------------------------------------------------


def test_a_session_presents_submitted_or_published_highlights_only(world, client_as):
    with refused(services.MSG_SESSION_HIGHLIGHTS):
        services.session_create(
            federation_id=world.fed_a.pk,
            title="交流会",
            held_on=world.session_a.held_on,
            place="会议室",
            highlight_ids=[world.highlight_draft_a1.pk],
        )
    with refused(services.MSG_SESSION_HIGHLIGHTS):
        services.session_create(
            federation_id=world.fed_a.pk,
            title="交流会",
            held_on=world.session_a.held_on,
            place="会议室",
            highlight_ids=[world.highlight_published_b1.pk],
        )
    with refused(services.MSG_SESSION_PLACE):
        services.session_create(
            federation_id=world.fed_a.pk, title="交流会", held_on=world.session_a.held_on, place=""
        )
    # A liaison sees the session and, of its highlights, those she may see.
    page = client_as(world.liaison).get(reverse("assessment:session-detail", args=[world.session_a.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and "巾帼读书会" in html and "女职工关爱驿站" not in html
    assert (
        client_as(world.liaison)
        .get(reverse("assessment:session-edit", args=[world.session_a.pk]))
        .status_code
        == 403
    )
    assert (
        client_as(world.outsider)
        .get(reverse("assessment:session-detail", args=[world.session_a.pk]))
        .status_code
        == 404
    )


def test_staff_create_a_session_through_the_page(world, client_as):
    staff = client_as(world.staff)
    resp = staff.post(
        reverse("assessment:session-create"),
        {
            "title": "2026 年机关妇女工作交流会",
            "held_on": "2026-11-20",
            "place": "区委党校报告厅",
            "highlights": [str(world.highlight_published_a1.pk)],
        },
    )
    assert resp.status_code == 302
    from assessment.models import ExchangeSession

    s = ExchangeSession.objects.get(title="2026 年机关妇女工作交流会")
    assert list(s.highlights.all()) == [world.highlight_published_a1]


# ---- the overview and the API ------------------------------------------------------------------------


def test_the_overview_spreads_scores_per_item_without_ranking_units(world, client_as):
    from assessment.tests.test_cycles import fill_all

    selfcheck = form_a1(world)
    fill_all(selfcheck)
    services.selfcheck_submit(selfcheck=selfcheck)
    overview = selectors.cycle_overview(world.cycle_a)
    assert (overview.n_submitted, overview.n_forms) == (1, 2)
    assert sum(overview.spreads[0].counts.values()) == 1
    assert [f.unit for f in overview.not_submitted] == [world.unit_a2]
    assert overview.weakest and all(s.weak for s in overview.weakest)
    assert overview.rectification["total"] >= 1
    page = client_as(world.staff).get(reverse("assessment:cycle-overview", args=[world.cycle_a.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and "各项目得分分布" in html and 'id="overview-data"' in html
    assert (
        client_as(world.liaison)
        .get(reverse("assessment:cycle-overview", args=[world.cycle_a.pk]))
        .status_code
        == 403
    )


def test_the_api_gives_highlights_and_rectifications_in_scope(world, client):
    got = client.get("/api/v1/assessment/highlights", **api_headers(world.other_liaison)).json()
    assert {h["id"] for h in got} == {world.highlight_published_a1.pk, world.highlight_submitted_a2.pk}
    mine = client.get("/api/v1/assessment/highlights", **api_headers(world.liaison)).json()
    assert {h["status"] for h in mine} == {"draft", "published"}
    published = next(h for h in mine if h["status"] == "published")
    assert published["items"] == [5] and published["unit_id"] == world.unit_a1.pk
    rects = client.get("/api/v1/assessment/rectifications", **api_headers(world.liaison)).json()
    assert rects and {r["unit_id"] for r in rects} == {world.unit_a1.pk}
    staff = client.get("/api/v1/assessment/rectifications", **api_headers(world.staff)).json()
    assert {r["unit_id"] for r in staff} <= {world.unit_a1.pk, world.unit_a2.pk} and len(staff) >= len(rects)
    assert client.get("/api/v1/assessment/highlights").status_code == 401


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_feed_and_the_overview_do_not_grow_with_their_rows(world, client_as):
    staff = client_as(world.staff)
    feed, overview = (
        reverse("assessment:highlight-list"),
        reverse("assessment:cycle-overview", args=[world.cycle_a.pk]),
    )
    before = (_queries(staff, feed), _queries(staff, overview))
    for n in range(5):
        h = new_highlight(world, unit=world.unit_a2, title=f"亮点 {n}")
        services.highlight_submit(highlight=h)
        if n % 2:
            services.highlight_publish(highlight=h)
    from assessment.tests.test_cycles import fill_all

    for unit in (world.unit_a1, world.unit_a2):
        selfcheck = SelfCheck.objects.get(cycle=world.cycle_a, unit=unit)
        fill_all(selfcheck)
        services.evidence_add(
            selfcheck=selfcheck,
            title="制度",
            item_ids=list(world.cycle_a.items.filter(number__in=(4, 5, 8)).values_list("pk", flat=True)),
            link_url="/committees/",
        )
        services.selfcheck_submit(selfcheck=selfcheck)
    assert (_queries(staff, feed), _queries(staff, overview)) == before


def test_the_menu_marks_one_entry_as_the_current_page(world, client_as):
    staff = client_as(world.staff)
    page = staff.get(reverse("assessment:highlight-list")).content.decode()
    assert page.count('aria-current="page" href') == 1
    assert f'aria-current="page" href="{reverse("assessment:highlight-list")}"' in page
    index = staff.get(reverse("assessment:index")).content.decode()
    assert f'aria-current="page" href="{reverse("assessment:index")}"' in index
