"""Accessibility of the main pages: axe-core (WCAG 2 A and AA rules) in Chromium, at desktop and phone width.

Fails on every serious or critical violation, listing the rule, its impact and the elements; moderate and
minor ones are printed (run with `-s` or `-rP` to read them) and summed up in a warning, without failing.
Set JINGUO_SHOTS=/some/dir to also save a screenshot of each page as checked.

axe-core is vendored for the tests only, in tests/vendor/axe-core/ (scripts/refresh-static.sh refreshes
it); it is injected into the page, so the browser context bypasses the page's nonce CSP.
"""

from __future__ import annotations

import os
import re
import warnings
from pathlib import Path

import pytest
from django.core.management import call_command

from committees.models import Committee
from orgs import demo
from orgs.models import Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
PASSWORD = "Axe-Demo-2026!"
FAILING = {"serious", "critical"}
VIEWPORTS = {"desktop": (1280, 800), "phone": (390, 844)}

RUN_AXE = r"""async () => {
  const result = await axe.run(document, {
    runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']},
    resultTypes: ['violations'],
  });
  const found = result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map(n => n.target.join(' ')),
    summary: v.nodes.length ? v.nodes[0].failureSummary : '',
  }));
  // axe only asks for a review when an aria-describedby/-labelledby id is missing; a missing one is a bug
  // here (Django names `<id>_helptext` and `<id>_error` whether or not the template renders them).
  const dangling = [];
  for (const el of document.querySelectorAll('[aria-describedby], [aria-labelledby]')) {
    for (const attr of ['aria-describedby', 'aria-labelledby']) {
      for (const ref of (el.getAttribute(attr) || '').split(/\s+/).filter(Boolean)) {
        if (!document.getElementById(ref)) dangling.push(`${el.id ? '#' + el.id : el.tagName.toLowerCase()} ${attr}=${ref}`);
      }
    }
  }
  if (dangling.length) found.push({
    id: 'aria-idref-missing', impact: 'serious', help: 'ARIA attributes must name elements that exist',
    targets: dangling, summary: '',
  });
  return found;
}"""


def _check(page, name: str, found: list[tuple[str, dict]]) -> None:
    page.wait_for_load_state("networkidle")
    if folder := os.environ.get("JINGUO_SHOTS"):
        os.makedirs(folder, exist_ok=True)
        width = page.viewport_size["width"] if page.viewport_size else 0
        page.screenshot(
            path=os.path.join(folder, f"a11y-{name.replace(' ', '-')}-{width}.png"), full_page=True
        )
    page.add_script_tag(path=str(AXE))
    for violation in page.evaluate(RUN_AXE):
        found.append((name, violation))


def _log_in(page, base: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", "demo_staff")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def _line(name: str, v: dict) -> str:
    targets = ", ".join(v["targets"][:8]) + (
        f" … (+{len(v['targets']) - 8})" if len(v["targets"]) > 8 else ""
    )
    detail = " ".join(v["summary"].split())[:300]
    return f"[{v['impact']}] {name}: {v['id']} — {v['help']} — {targets}\n      {detail}"


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_main_pages_have_no_serious_or_critical_wcag_violations(live_server, new_page, viewport):
    call_command("load_demo", password=PASSWORD)
    committee = (
        Committee.objects.filter(federation__name=demo.FEDERATION_NAME, dissolved_on__isnull=True)
        .select_related("unit")
        .order_by("pk")
        .first()
    )
    assert committee is not None
    person = Person.objects.filter(federation__name=demo.FEDERATION_NAME).order_by("pk").first()
    assert person is not None
    base = live_server.url
    width, height = VIEWPORTS[viewport]
    page = new_page(width, height, bypass_csp=True)
    found: list[tuple[str, dict]] = []

    page.goto(f"{base}/accounts/login/")
    _check(page, "log-in", found)
    _log_in(page, base)

    pages = [
        ("home", "/"),
        ("dashboard 2017", "/dashboard/?year=2017"),
        ("units list", "/orgs/units/"),
        ("unit detail", f"/orgs/units/{committee.unit.pk}/"),
        ("re-election form", f"/committees/{committee.pk}/reelect/"),
        ("ledger import", "/committees/ledger/"),
        ("people list", "/orgs/people/"),
        ("person detail", f"/orgs/people/{person.pk}/"),
        ("notifications", "/notifications/"),
        ("404", "/no-such-page/"),
    ]
    for name, path in pages:
        response = page.goto(f"{base}{path}")
        assert response is not None and response.status == (404 if name == "404" else 200), (name, path)
        if name.startswith("dashboard"):
            page.locator("[data-chart=trend] svg").first.wait_for()
        _check(page, name, found)
        if name == "re-election form":
            # The same form refused: the errors must be tied to their fields.
            page.fill("input[name=started_on]", "")
            page.click("#main form button[type=submit]")
            page.locator(".invalid-feedback, .alert-danger").first.wait_for()
            _check(page, "re-election form refused", found)
        if name == "units list" and viewport == "phone":
            # The navigation drawer, opened.
            page.click("[aria-controls=jg-sidebar]")
            page.locator("#jg-sidebar.show").wait_for()
            page.wait_for_timeout(400)
            _check(page, "navigation drawer", found)

    failing = [_line(n, v) for n, v in found if v["impact"] in FAILING]
    other = [_line(n, v) for n, v in found if v["impact"] not in FAILING]
    print(
        f"\naxe-core WCAG 2 A/AA at {width}x{height}: {len(failing)} serious/critical, {len(other)} moderate/minor"
    )
    for line in failing + other:
        print("  " + line)
    if other:
        warnings.warn(
            f"{len(other)} moderate/minor accessibility findings at {width}x{height}:\n  "
            + "\n  ".join(other),
            stacklevel=1,
        )
    assert not failing, f"{len(failing)} serious/critical WCAG violations at {width}x{height}:\n" + "\n".join(
        failing
    )


def test_axe_is_vendored_for_the_tests_only():
    assert AXE.exists() and re.match(r"/\*! axe v4\.", AXE.read_text(encoding="utf-8")[:20])
    assert (AXE.parent / "LICENSE").exists()
    # Not under static/: never collected, never served.
    assert "static" not in AXE.relative_to(Path(__file__).parent.parent).parts
