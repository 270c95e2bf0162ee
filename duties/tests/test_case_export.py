"""Exports of hotline case contents (#10 §4): hotline supervisors only, with a reason, audited, never
cached; every other role is refused and nothing is decrypted for them."""

import io

import openpyxl
import pytest
from django.urls import reverse

from core.models import AuditEvent
from core.testing.world import build_world

URL = reverse("duties:case-export")


@pytest.fixture
def world(db):
    return build_world()


def test_the_supervisor_exports_with_a_reason(world, client_as):
    client = client_as(world.supervisor)
    form = client.get(URL)
    assert form.status_code == 200 and "导出原因" in form.content.decode()
    assert "no-store" in form["Cache-Control"]
    assert 'data-testid="case-export"' in client.get(reverse("duties:case-list")).content.decode()
    res = client.post(URL, {"start": "2024-01-01", "end": "2024-12-31", "reason": "区检察院调取家暴个案"})
    assert res.status_code == 200 and "no-store" in res["Cache-Control"]
    sheet = openpyxl.load_workbook(io.BytesIO(res.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert any("测试来电人" in row and "测试情况：邻居反映家中有争吵声。" in row for row in values)
    # The other federation's case is not in it.
    assert sum(1 for row in values[1:] if row[0] is not None) == 1
    export = AuditEvent.objects.get(action="export", object_type="duties.hotlinecase")
    assert "区检察院调取家暴个案" in export.detail and "1 件" in export.object_repr
    assert "测试来电人" not in export.detail + export.object_repr
    assert AuditEvent.objects.filter(action="decrypt", object_id=str(world.case_a.pk)).exists()


def test_no_reason_no_export(world, client_as):
    res = client_as(world.supervisor).post(URL, {"start": "2024-01-01", "end": "2024-12-31", "reason": " "})
    assert res.status_code == 400 and "application/vnd" not in res["Content-Type"]
    res = client_as(world.supervisor).post(
        URL, {"start": "2024-12-31", "end": "2024-01-01", "reason": "核查"}
    )
    assert res.status_code == 400 and "开始日期不能晚于结束日期" in res.content.decode()
    assert not AuditEvent.objects.filter(action="export").exists()
    assert not AuditEvent.objects.filter(action="decrypt").exists()


@pytest.mark.parametrize("persona", ["executive", "staff", "liaison", "auditor", "outsider", "dual"])
def test_other_roles_cannot_export(world, client_as, persona):
    client = client_as(getattr(world, persona))
    assert client.get(URL).status_code == 403
    res = client.post(URL, {"start": "2024-01-01", "end": "2024-12-31", "reason": "想看看"})
    assert res.status_code == 403
    assert not AuditEvent.objects.filter(action__in=("export", "decrypt")).exists()
    if persona == "executive":
        assert 'data-testid="case-export"' not in client.get(reverse("duties:case-list")).content.decode()
