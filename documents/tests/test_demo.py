"""The demo district's library: the four documents of the reform and the closed consultation on the volunteer
lecture team's plan, with the cadres' comments and the final version saying how each was handled."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from documents.models import Comment, Consultation, Document, HandlingNote


@pytest.mark.engine_agnostic
def test_the_demo_has_the_four_documents_and_a_closed_consultation(db, client):
    call_command("load_demo", verbosity=0)
    kinds = set(Document.objects.values_list("kind", flat=True))
    assert {"evaluation_form", "handbook", "standardisation_plan", "working_rules"} <= kinds
    assert Document.objects.get(kind="handbook").title == "机关妇女工作实务"
    consultation = Consultation.objects.get()
    assert consultation.title == "志愿讲师团方案征求意见稿" and consultation.status == "concluded"
    assert consultation.deadline < consultation.concluded_on
    assert Comment.objects.filter(consultation=consultation).count() == 7
    commented = set(Comment.objects.values_list("section__number", flat=True))
    noted = set(
        HandlingNote.objects.filter(consultation=consultation).values_list("section__number", flat=True)
    )
    assert commented <= noted
    final = consultation.final_version
    assert final.status == "published" and "5 个工作日内" in final.body
    from core.testing.world import login

    # The liaison reads the final version with the notes, and her own comments on the closed consultation.
    login(client, User.objects.get(username="demo_liaison"))
    page = client.get(reverse("documents:version-detail", args=[final.pk])).content.decode()
    assert "征求意见处理情况" in page and "已采纳，增加“基层社区群众”。" in page
    detail = client.get(reverse("documents:consultation-detail", args=[consultation.pk])).content.decode()
    assert "建议写明服务对象包括基层社区群众" in detail and "对此部分提意见" not in detail
    # Staff see the summary; the library is searched by the evaluation item a document guides.
    login(client, User.objects.get(username="demo_staff"))
    summary = client.get(reverse("documents:summary", args=[consultation.pk])).content.decode()
    assert "共收到 7 条意见。" in summary
    library = client.get(reverse("documents:list") + "?item=6").content.decode()
    assert "区妇联巾帼志愿讲师团组建方案" in library and "机关妇女工作规范化标准化建设方案" not in library
