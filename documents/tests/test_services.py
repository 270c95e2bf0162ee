"""The document library and consultations: sections, search, scope, the deadline, the summary, the final note."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core import clock
from core.models import Notification
from documents import selectors, services
from documents.exports import summary_workbook
from documents.models import Comment, Consultation, DocumentVersion, HandlingNote


def test_a_version_is_split_into_numbered_sections(world):
    draft = world.draft_a
    assert [(s.number, s.heading) for s in draft.sections.all()] == [
        (1, "一、组建目的"),
        (2, "二、讲师来源"),
        (3, "三、服务方式"),
    ]


def test_search_finds_titles_and_text_the_user_may_read(world):
    assert [d.title for d in selectors.document_list_for(world.liaison, q="实务")] == ["机关妇女工作实务"]
    # Found by a word of its published text.
    assert [d.title for d in selectors.document_list_for(world.liaison, q="年度计划")] == ["机关妇女工作实务"]
    # The outsider's federation has its own library.
    assert list(selectors.document_list_for(world.outsider, q="实务")) == []
    assert [d.title for d in selectors.document_list_for(world.staff, item=4)] == ["机关妇女工作实务"]


def test_a_bad_file_is_refused_and_nothing_is_written(world):
    before = DocumentVersion.objects.count()
    fake = SimpleUploadedFile("方案.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError) as refused:
        services.version_add(document=world.plan_a, label="修订稿", body="一、目的\n正文", upload=fake)
    assert "文件类型不在允许范围内" in str(refused.value.messages[0])
    assert DocumentVersion.objects.count() == before


def test_the_audience_is_notified_when_a_consultation_opens(world):
    draft = services.version_add(document=world.plan_a, label="第二稿", body="一、目的\n正文")
    services.consultation_open(
        version=draft,
        deadline=clock.today(),
        roles=["volunteer"],
        unit_ids=[world.unit_a1.pk],
        title="第二稿征求意见",
    )
    notified = set(
        Notification.objects.filter(kind="consultation_open", title__contains="第二稿征求意见").values_list(
            "recipient__username", flat=True
        )
    )
    # The volunteers and the people of unit_a1 (its liaison among them); not unit_a2's liaison, nor fed_b.
    assert {"liaison", "volunteer"} <= notified
    assert not notified & {"other_liaison", "outsider", "auditor"}


def test_a_comment_after_the_deadline_is_refused_in_chinese(world):
    c = world.consultation_a
    section = c.draft.sections.get(number=1)
    with time_machine.travel(dt.datetime.combine(c.deadline + dt.timedelta(days=1), dt.time(9)), tick=False):
        with pytest.raises(ValidationError) as refused:
            services.comment_add(
                consultation=c, section_id=section.pk, text="迟到的意见", author=world.liaison
            )
    assert refused.value.messages == [f"征求意见已于 {c.deadline.isoformat()} 截止，不能再提交意见。"]
    # On the deadline day itself a comment is still taken.
    with time_machine.travel(dt.datetime.combine(c.deadline, dt.time(2)), tick=False):
        services.comment_add(
            consultation=c, section_id=section.pk, text="最后一天的意见", author=world.liaison
        )
    assert not Comment.objects.filter(text="迟到的意见").exists()


def test_a_comment_page_after_the_deadline_answers_400_with_the_message(world, client_as):
    c = world.consultation_a
    client = client_as(world.liaison)
    url = reverse("documents:comment-add", args=[c.pk])
    section = c.draft.sections.get(number=1)
    # The deadline passed yesterday (moved back: travelling in time would end the session).
    Consultation.objects.filter(pk=c.pk).update(deadline=clock.today() - dt.timedelta(days=1))
    response = client.post(url, {"section": section.pk, "text": "迟到的意见"})
    assert response.status_code == 400
    assert "截止，不能再提交意见" in response.content.decode()
    assert not Comment.objects.filter(text="迟到的意见").exists()


def test_only_the_audience_may_comment(world):
    from django.http import Http404

    section = world.consultation_a.draft.sections.first()
    for user in (world.other_liaison, world.outsider):
        with pytest.raises(Http404):
            services.comment_add(
                consultation=world.consultation_a, section_id=section.pk, text="x", author=user
            )
    assert not Comment.objects.filter(text="x").exists()


def test_a_comment_on_a_section_of_another_draft_is_refused(world):
    other = world.draft_b.sections.first()
    with pytest.raises(ValidationError) as refused:
        services.comment_add(
            consultation=world.consultation_a, section_id=other.pk, text="x", author=world.liaison
        )
    assert refused.value.code == "section"


def test_a_consultation_out_of_scope_is_404(world, client_as):
    # The outsider (fed_b) and the liaison of unit_a2 (not addressed) cannot see fed_a's consultation.
    for user in (world.outsider, world.other_liaison):
        client = client_as(user)
        for name in ("consultation-detail", "comment-add"):
            assert client.get(reverse(f"documents:{name}", args=[world.consultation_a.pk])).status_code == 404
    # The liaison it is addressed to may comment; staff may not comment, but read the summary.
    assert (
        client_as(world.liaison)
        .get(reverse("documents:comment-add", args=[world.consultation_a.pk]))
        .status_code
        == 200
    )
    assert (
        client_as(world.liaison).get(reverse("documents:summary", args=[world.consultation_a.pk])).status_code
        == 403
    )
    staff = client_as(world.staff)
    assert staff.get(reverse("documents:summary", args=[world.consultation_a.pk])).status_code == 200


def test_the_summary_counts_comments_per_section(world, client_as):
    c = world.consultation_a
    _, s2, s3 = c.draft.sections.all()
    services.comment_add(consultation=c, section_id=s2.pk, text="聘期两年为宜。", author=world.volunteer)
    services.comment_add(consultation=c, section_id=s3.pk, text="点单后尽快匹配。", author=world.liaison)
    rows = selectors.summary_of(c)
    assert [(r.section.number, r.count) for r in rows] == [(1, 0), (2, 2), (3, 1)]
    body = client_as(world.staff).get(reverse("documents:summary", args=[c.pk])).content.decode()
    assert "共收到 3 条意见。" in body and "聘期两年为宜。" in body

    import io

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(summary_workbook(c)))
    counts = [row for row in book.worksheets[0].iter_rows(values_only=True)][3:]
    assert [(r[0], r[2]) for r in counts] == [(1, 0), (2, 2), (3, 1)]
    assert book.worksheets[1].max_row == 1 + 3
    response = client_as(world.staff).get(reverse("documents:summary-xlsx", args=[c.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")


def test_concluding_needs_a_note_for_every_commented_section(world):
    c = world.consultation_a
    with pytest.raises(ValidationError) as refused:
        services.consultation_conclude(consultation=c, final_body="一、组建目的\n正式。", notes={})
    assert "第 2 部分“二、讲师来源”收到意见" in refused.value.messages[0]
    c.refresh_from_db()
    assert c.status == "open" and c.final_version is None
    assert not DocumentVersion.objects.filter(document=world.plan_a, status="published").exists()


def test_the_final_version_is_published_with_a_note_per_section(world, client_as):
    c = world.consultation_a
    final = services.consultation_conclude(
        consultation=c,
        final_body="一、组建目的\n正式。\n\n二、讲师来源\n自愿报名，聘期两年。",
        notes={2: ("adopted", "已采纳，明确聘期两年。")},
        conclusion="收到意见 1 条，已采纳。",
        acting_user=world.staff,
    )
    c.refresh_from_db()
    assert c.status == "concluded" and c.final_version == final and c.concluded_on == clock.today()
    assert final.status == "published" and final.sections.count() == 2
    note = HandlingNote.objects.get(consultation=c)
    assert (note.section.number, note.outcome, note.note) == (2, "adopted", "已采纳，明确聘期两年。")
    # The commenter is told, and reads the note with the final version.
    assert Notification.objects.filter(recipient=world.liaison, kind="consultation_concluded").exists()
    body = client_as(world.liaison).get(reverse("documents:version-detail", args=[final.pk])).content.decode()
    assert "已采纳，明确聘期两年。" in body and "征求意见处理情况" in body
    # The plan is now readable by the federation, and comments are closed.
    assert selectors.current_version(world.plan_a, world.liaison) == final
    with pytest.raises(ValidationError) as refused:
        services.comment_add(
            consultation=c, section_id=c.draft.sections.first().pk, text="再提一条", author=world.liaison
        )
    assert refused.value.messages == ["征求意见已结束，不能再提交意见。"]
    with pytest.raises(ValidationError):
        services.consultation_conclude(consultation=c, final_body="x", notes={})


def test_opening_refuses_a_past_deadline_and_no_audience(world):
    draft = services.version_add(document=world.plan_a, label="第二稿", body="一、目的\n正文")
    with pytest.raises(ValidationError) as refused:
        services.consultation_open(
            version=draft, deadline=clock.today() - dt.timedelta(days=1), roles=["unit_liaison"]
        )
    assert refused.value.code == "deadline"
    with pytest.raises(ValidationError) as refused:
        services.consultation_open(version=draft, deadline=clock.today())
    assert refused.value.code == "audience"
    with pytest.raises(ValidationError) as refused:
        services.consultation_open(version=draft, deadline=clock.today(), unit_ids=[world.unit_b1.pk])
    assert refused.value.code == "units"
    assert not Consultation.objects.filter(draft=draft).exists()


def test_a_form_item_links_to_its_guidance(world, client_as):
    from assessment.models import SelfCheck

    selfcheck = SelfCheck.objects.get(cycle=world.cycle_a, unit=world.unit_a1)
    body = (
        client_as(world.liaison).get(reverse("assessment:form-detail", args=[selfcheck.pk])).content.decode()
    )
    link = reverse("documents:detail", args=[world.handbook_a.pk])
    assert body.count(f'href="{link}"') == 2  # items 4 and 5
    template = client_as(world.staff).get(reverse("assessment:template-detail", args=[world.template_a.pk]))
    assert template.content.decode().count(f'href="{link}"') == 2


def test_the_api_lists_documents_and_consultations_in_scope(world, client):
    from core.testing.world import api_headers

    got = client.get("/api/v1/documents?q=实务", **api_headers(world.liaison)).json()
    assert [d["title"] for d in got["items"]] == ["机关妇女工作实务"] and got["items"][0]["items"] == [4, 5]
    one = client.get(f"/api/v1/documents/{world.handbook_a.pk}", **api_headers(world.liaison)).json()
    assert [s["heading"] for s in one["sections"]] == ["前言", "第一章 组织建设", "第二章 制度建设"]
    # The liaison reads the published version only, not the staff's draft.
    assert [v["status"] for v in one["versions"]] == ["published"]
    assert (
        client.get(f"/api/v1/documents/{world.handbook_a.pk}", **api_headers(world.outsider)).status_code
        == 404
    )
    mine = client.get("/api/v1/consultations", **api_headers(world.liaison)).json()
    assert [c["title"] for c in mine] == ["志愿讲师团方案征求意见稿"]
