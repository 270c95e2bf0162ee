"""The library and a consultation in a real browser (demo district): the staff add a draft of the handbook
and publish it for comment to the liaisons; the liaison comments on a section; the staff read the summary.
Every page at 1280 px and 390 px wide, with nothing wider than the phone; axe-core (WCAG 2 A/AA) finds
nothing serious or critical.

Set JINGUO_SHOTS=/some/dir to also save screenshots at 1280 px and 390 px wide.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from core import clock
from documents.models import Comment, Consultation, Document

PASSWORD = "Browser-Demo-2026!"
AXE = Path(__file__).resolve().parents[2] / "tests" / "vendor" / "axe-core" / "axe.min.js"
RUN_AXE = """async () => (await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']},
  resultTypes: ['violations']})).violations.filter(v => ['serious', 'critical'].includes(v.impact))
  .map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))"""

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _look(page, name: str, problems: list[str]) -> None:
    page.wait_for_load_state("networkidle")
    width = page.viewport_size["width"] if page.viewport_size else 0
    folder = os.environ.get("JINGUO_SHOTS")
    if folder:
        os.makedirs(folder, exist_ok=True)
        page.screenshot(path=os.path.join(folder, f"documents-{name}-{width}.png"), full_page=True)
    if width <= 390 and page.evaluate("document.documentElement.scrollWidth") > width:
        problems.append(f"{name}: wider than the phone")
    page.add_script_tag(path=str(AXE))
    problems += [f"{name}: {v}" for v in page.evaluate(RUN_AXE)]


def _log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def test_a_consultation_from_draft_to_summary(live_server, new_page):
    call_command("load_demo", password=PASSWORD)
    base = live_server.url
    problems: list[str] = []
    handbook = Document.objects.get(kind="handbook")
    staff = new_page(1280, 900, bypass_csp=True)
    _log_in(staff, base, "demo_staff")
    staff.goto(f"{base}/documents/")
    _look(staff, "list", problems)
    staff.goto(f"{base}/documents/new/")
    _look(staff, "document-form", problems)
    staff.goto(f"{base}/documents/{handbook.pk}/")
    _look(staff, "detail", problems)
    staff.click("text=新增版本")
    staff.fill("input[name=label]", "2021 年修订稿")
    staff.fill(
        "textarea[name=body]",
        "一、组织建设\n组建、换届和补缺的流程。\n\n二、制度建设\n工作制度和年度计划的写法。",
    )
    staff.click("#main form button[type=submit]")
    staff.wait_for_url(re.compile(r".*/documents/versions/\d+/$"))
    _look(staff, "version", problems)
    staff.click("text=发布征求意见稿")
    _look(staff, "consultation-form", problems)
    staff.fill("input[name=title]", "机关妇女工作实务修订征求意见")
    staff.fill("input[name=deadline]", (clock.today() + dt.timedelta(days=10)).isoformat())
    staff.check("input[name=roles][value=unit_liaison]")
    staff.click("#main form button[type=submit]")
    staff.wait_for_url(re.compile(r".*/documents/consultations/\d+/$"))
    consultation = Consultation.objects.get(title="机关妇女工作实务修订征求意见")

    liaison = new_page(1280, 900, bypass_csp=True)
    _log_in(liaison, base, "demo_liaison")
    liaison.goto(f"{base}/documents/consultations/{consultation.pk}/")
    _look(liaison, "consultation", problems)
    liaison.locator("[data-testid=section-2] >> text=对此部分提意见").click()
    liaison.fill("textarea[name=text]", "建议附上年度计划的范本。")
    liaison.click("#main form button[type=submit]")
    liaison.get_by_text("意见已提交，谢谢！").wait_for()
    assert Comment.objects.get(consultation=consultation).section.number == 2
    # Her self-check form links each item to the documents that guide it.
    from assessment.models import SelfCheck

    # The form of this year's cycle (the demo also keeps the 2018 and 2020 cycles).
    form = SelfCheck.objects.filter(unit__name="区教育局").order_by("-cycle__year", "-pk").first()
    assert form is not None
    liaison.goto(f"{base}/assessment/forms/{form.pk}/")
    guidance = liaison.locator("[data-testid=item-4] [data-testid=item-guidance]")
    assert "机关妇女工作实务" in guidance.inner_text()
    _look(liaison, "form-guidance", problems)

    staff.goto(f"{base}/documents/consultations/{consultation.pk}/summary/")
    assert "建议附上年度计划的范本。" in staff.locator("#main").inner_text()
    _look(staff, "summary", problems)
    closed = Consultation.objects.get(title="志愿讲师团方案征求意见稿")
    staff.goto(f"{base}/documents/versions/{closed.final_version_id}/")
    _look(staff, "final", problems)

    phone = new_page(390, 844, bypass_csp=True)
    _log_in(phone, base, "demo_staff")
    for name, path in (
        ("list", "/documents/"),
        ("detail", f"/documents/{handbook.pk}/"),
        ("consultation", f"/documents/consultations/{closed.pk}/"),
        ("summary", f"/documents/consultations/{closed.pk}/summary/"),
        ("conclude", f"/documents/consultations/{consultation.pk}/conclude/"),
        ("final", f"/documents/versions/{closed.final_version_id}/"),
    ):
        phone.goto(f"{base}{path}")
        _look(phone, name, problems)
    phone_liaison = new_page(390, 844, bypass_csp=True)
    _log_in(phone_liaison, base, "demo_liaison")
    phone_liaison.goto(f"{base}/documents/consultations/{consultation.pk}/comment/")
    _look(phone_liaison, "comment", problems)
    assert not problems, problems
