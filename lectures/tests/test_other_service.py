"""Other service (其他志愿服务): recorded with evidence, approved or rejected by staff; approved hours count in the
derived service hours, the star level and the certificate."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core import clock
from core.testing.asserts import refused
from lectures import selectors, services
from lectures.models import OtherService

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _scan():
    return SimpleUploadedFile("签到表.png", PNG, content_type="image/png")


@pytest.fixture(autouse=True)
def _private(settings, tmp_path):
    settings.JINGUO_PRIVATE_DIR = tmp_path


def _record(world, hours="24", day=None):
    return services.other_service_record(
        volunteer=world.volunteer_a,
        served_on=day or clock.today() - dt.timedelta(days=3),
        hours=hours,
        description="社区儿童之家亲子阅读",
        upload=_scan(),
        acting_user=world.volunteer,
    )


def test_approved_hours_count_and_pending_or_rejected_ones_do_not(world):
    pending = _record(world)
    assert selectors.service_record(world.volunteer_a).total == Decimal("3.50")
    services.other_service_decide(service=pending, approve=True, acting_user=world.staff)
    record = selectors.service_record(world.volunteer_a)
    # 3.5 lecture hours plus 24 approved; the star level counts them too.
    assert record.total == Decimal("27.50") and record.others == [pending]
    assert record.lifetime == Decimal("27.50") and record.to_next_star == Decimal("72.50")
    for _ in range(3):
        services.other_service_decide(service=_record(world), approve=True)
    assert selectors.service_record(world.volunteer_a).stars == 0  # 99.5 h is not yet a star
    services.other_service_decide(service=_record(world, hours="0.5"), approve=True)
    assert selectors.service_record(world.volunteer_a).stars == 1
    assert selectors.service_record(world.volunteer_a, end=clock.today() - dt.timedelta(days=10)).others == []
    other = _record(world, hours="5")
    with pytest.raises(ValidationError):
        services.other_service_decide(service=other, approve=False, reason="")
    services.other_service_decide(service=OtherService.objects.get(pk=other.pk), approve=False, reason="无签到记录")
    assert OtherService.objects.get(pk=other.pk).decision_reason == "无签到记录"
    assert selectors.service_record(world.volunteer_a).total == Decimal("100.00")
    # The certificate says so too.
    cert, _ = services.certificate_issue(volunteer=world.volunteer_a)
    assert cert.hours == Decimal("100.00")


def test_the_rules_of_a_record(world):
    with refused(services.MSG_SERVICE_HOURS_RANGE):
        _record(world, hours="0.2")
    with refused(services.MSG_SERVICE_HOURS_RANGE):
        _record(world, hours="25")
    with refused(services.MSG_SERVICE_DATE_FUTURE):
        _record(world, day=clock.today() + dt.timedelta(days=1))
    with refused(services.MSG_SERVICE_EVIDENCE):
        services.other_service_record(
            volunteer=world.volunteer_a, served_on=clock.today(), hours=2, description="x", upload=None
        )


def test_the_volunteer_records_and_staff_approve_on_the_pages(world, client_as):
    client = client_as(world.volunteer)
    url = reverse("lectures:other-service-add", args=[world.volunteer_a.pk])
    answer = client.post(
        url,
        {"served_on": (clock.today() - dt.timedelta(days=1)).isoformat(), "hours": "2.5",
         "description": "巾帼志愿服务站值班", "file": _scan()},
    )
    assert answer.status_code == 302
    row = OtherService.objects.get(description="巾帼志愿服务站值班", hours=Decimal("2.5"))
    assert row.status == "pending" and row.recorded_by == world.volunteer
    # She cannot approve her own hours; staff can.
    approve = reverse("lectures:other-service-approve", args=[row.pk])
    assert client.post(approve, {"version": row.version}).status_code == 403
    staff = client_as(world.staff)
    listing = staff.get(reverse("lectures:other-service-list")).content.decode()
    assert "巾帼志愿服务站值班" in listing
    assert staff.post(approve, {"version": row.version, "reason": ""}).status_code == 302
    assert OtherService.objects.get(pk=row.pk).status == "approved"
    evidence = staff.get(reverse("lectures:other-service-evidence", args=[row.pk]))
    assert b"".join(evidence.streaming_content) == PNG
    # The hours export counts it.
    sheet = staff.get(reverse("lectures:export-hours"), {"from": "2000-01-01"})
    rows = list(openpyxl.load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert any(r[0] == world.volunteer_a.person.name and r[-1] == 6.0 for r in rows), rows
