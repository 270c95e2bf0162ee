"""Highlights and the overview in a real browser (demo district): the liaison writes a highlight with a
photo and submits it, the staff publish it, the liaison sees it in the feed; the staff's overview draws its
chart at desktop and phone width. axe-core (WCAG 2 A/AA) finds nothing serious or critical on these pages.

Set JINGUO_SHOTS=/some/dir to also save screenshots at 1280 px and 390 px wide.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from assessment.models import Cycle, Highlight
from assessment.testing import tiny_png
from core import clock

PASSWORD = "Browser-Demo-2026!"
AXE = Path(__file__).resolve().parents[2] / "tests" / "vendor" / "axe-core" / "axe.min.js"
RUN_AXE = """async () => (await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']},
  resultTypes: ['violations']})).violations.filter(v => ['serious', 'critical'].includes(v.impact))
  .map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))"""

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _look(page, name: str, problems: list[str]) -> None:
    page.wait_for_load_state("networkidle")
    folder = os.environ.get("JINGUO_SHOTS")
    if folder:
        os.makedirs(folder, exist_ok=True)
        width = page.viewport_size["width"] if page.viewport_size else 0
        page.screenshot(path=os.path.join(folder, f"{name}-{width}.png"), full_page=True)
    page.add_script_tag(path=str(AXE))
    problems += [f"{name}: {v}" for v in page.evaluate(RUN_AXE)]


def _log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def test_a_highlight_from_draft_to_the_feed_and_the_overview(live_server, new_page, tmp_path):
    call_command("load_demo", password=PASSWORD)
    base = live_server.url
    problems: list[str] = []
    liaison = new_page(1280, 900, bypass_csp=True)
    _log_in(liaison, base, "demo_liaison")
    liaison.goto(f"{base}/assessment/highlights/")
    _look(liaison, "highlights-feed", problems)
    liaison.click("text=新建亮点")
    liaison.fill("input[name=title]", "“巾帼志愿服务队”进社区")
    liaison.fill("textarea[name=text]", "组织女干部志愿者每月进社区开展家庭教育讲座。")
    liaison.click("#main form button[type=submit]")
    liaison.wait_for_url(re.compile(r".*/assessment/highlights/\d+/$"))
    photo = tmp_path / "进社区.png"
    photo.write_bytes(tiny_png())
    liaison.click("text=上传照片或附件")
    liaison.set_input_files("input[name=file]", str(photo))
    liaison.click("#main form button[type=submit]")
    liaison.locator("[data-testid=highlight-files] img").wait_for()
    _look(liaison, "highlight-draft", problems)
    liaison.click("[data-testid=highlight-submit]")
    liaison.click("#main form button[type=submit]")
    liaison.get_by_text("已报送亮点。").wait_for()
    h = Highlight.objects.get(title="“巾帼志愿服务队”进社区")
    assert h.status == "submitted"

    staff = new_page(1280, 900, bypass_csp=True)
    errors: list[str] = []
    staff.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    _log_in(staff, base, "demo_staff")
    staff.goto(f"{base}/assessment/highlights/{h.pk}/")
    staff.click("[data-testid=highlight-publish]")
    staff.click("#main form button[type=submit]")
    staff.get_by_text("已发布亮点。").wait_for()
    cycle = Cycle.objects.get(year=clock.today().year)
    staff.goto(f"{base}/assessment/cycles/{cycle.pk}/overview/")
    staff.locator("[data-overview-chart] svg").first.wait_for()
    _look(staff, "overview", problems)
    assert not [e for e in errors if "Content Security Policy" in e], errors

    liaison.goto(f"{base}/assessment/highlights/")
    assert "“巾帼志愿服务队”进社区" in liaison.locator("[data-testid=highlight-feed]").inner_text()

    phone = new_page(390, 844, bypass_csp=True)
    _log_in(phone, base, "demo_staff")
    for name, path in (
        ("overview", f"/assessment/cycles/{cycle.pk}/overview/"),
        ("highlight", f"/assessment/highlights/{h.pk}/"),
        ("highlights-feed", "/assessment/highlights/"),
    ):
        phone.goto(f"{base}{path}")
        if name == "overview":
            phone.locator("[data-overview-chart] svg").first.wait_for()
        _look(phone, name, problems)
        # Nothing wider than the phone's screen.
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390, name
    assert not problems, problems
