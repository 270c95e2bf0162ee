"""A unit's self-check in a real browser (demo district): the liaison answers the self items, attaches an
evidence file, saves and submits; the staff see the submission in the district overview; the liaison opens
rectification items from the weak items and closes one. axe-core (WCAG 2 A/AA) finds nothing serious or
critical on the form, the evidence page and the overview.

Set JINGUO_SHOTS=/some/dir to also save screenshots.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.management import call_command

from assessment.models import Cycle, Evidence, Rectification, SelfCheck
from assessment.tests.test_highlights_browser import PASSWORD, _log_in, _look
from core import clock

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_liaison_fills_and_submits_a_form_and_closes_a_rectification(live_server, new_page, tmp_path):
    call_command("load_demo", password=PASSWORD, verbosity=0)
    base = live_server.url
    problems: list[str] = []
    cycle = Cycle.objects.get(year=clock.today().year)
    form = SelfCheck.objects.get(cycle=cycle, unit__name="区教育局")
    assert form.status == "draft"
    items = {i.number: i for i in cycle.items.all()}
    submitted_before = cycle.forms.filter(status="submitted").count()

    liaison = new_page(1280, 900, bypass_csp=True)
    _log_in(liaison, base, "demo_liaison")
    liaison.goto(f"{base}/assessment/forms/{form.pk}/")
    _look(liaison, "form-draft", problems)
    # Automatic items are already scored and explained.
    assert liaison.locator("[data-testid=item-1] [data-testid=item-sentence]").inner_text().strip()
    liaison.fill(f"#value_{items[5].pk}", "6")
    liaison.fill(f"#note_{items[5].pk}", "主题党日 4 次、读书会 2 次")
    liaison.select_option(f"#value_{items[8].pk}", index=1)
    liaison.click("[data-testid=save-draft]")
    liaison.get_by_text("已保存草稿。").wait_for()

    liaison.click("[data-testid=evidence-list] >> text=添加")
    liaison.wait_for_url(re.compile(r".*/evidence/new/$"))
    rules = tmp_path / "妇委会工作制度.pdf"
    rules.write_bytes(b"%PDF-1.4\n% rules\n%%EOF\n")
    liaison.fill("input[name=title]", "妇委会工作制度及年度计划")
    liaison.set_input_files("input[name=file]", str(rules))
    for number in (4, 5, 8):
        liaison.check(f"input[name=items][value='{items[number].pk}']")
    _look(liaison, "evidence-add", problems)
    liaison.click("#main form button[type=submit]")
    liaison.wait_for_url(re.compile(rf".*/assessment/forms/{form.pk}/$"))
    liaison.locator("[data-testid=evidence-list] >> text=妇委会工作制度及年度计划").wait_for()
    assert Evidence.objects.filter(selfcheck=form, original_name="妇委会工作制度.pdf").exists()

    liaison.click("[data-testid=submit-link]")
    liaison.click("#main form button[type=submit]")
    liaison.get_by_text("已提交自查表。").wait_for()
    assert liaison.locator("[data-testid=form-status]").inner_text().strip() == "已提交"
    form.refresh_from_db()
    assert form.status == "submitted" and form.total_score is not None

    staff = new_page(1280, 900, bypass_csp=True)
    _log_in(staff, base, "demo_staff")
    staff.goto(f"{base}/assessment/cycles/{cycle.pk}/overview/")
    staff.locator("[data-overview-chart] svg").first.wait_for()
    page_text = staff.locator("#main").inner_text()
    assert f"按已提交的 {submitted_before + 1} 份自查表" in page_text
    assert "区教育局" not in staff.locator("[data-testid=overview-not-submitted]").inner_text()
    _look(staff, "overview-after-submit", problems)

    liaison.goto(f"{base}/assessment/forms/{form.pk}/")
    liaison.click("text=列出低于整改线的项目")
    liaison.fill("input[name=deadline]", (clock.today() + dt.timedelta(days=45)).isoformat())
    liaison.click("#main form button[type=submit]")
    liaison.get_by_text(re.compile(r"已列出 \d+ 条整改事项")).wait_for()
    opened = list(Rectification.objects.filter(selfcheck=form).order_by("item__number"))
    assert opened, "the demo liaison's unit has items below the threshold"
    first = opened[0]
    liaison.locator("[data-testid=rectifications] >> text=完成整改").first.click()
    liaison.fill("textarea[name=note]", "已召开专题会议落实整改，材料已归档")
    liaison.click("#main form button[type=submit]")
    liaison.get_by_text("整改事项已完成。").wait_for()
    first.refresh_from_db()
    assert first.status == "done" and first.closing_note.startswith("已召开")
    assert "已召开专题会议落实整改" in liaison.locator("[data-testid=rectifications]").inner_text()

    staff.reload()
    assert "已完成" in staff.locator("[data-testid=overview-rectification]").inner_text()
    assert not problems, problems
