"""The interface language: Chinese by default, English when the user picks it in the user menu."""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

import pytest


def choose_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302


@pytest.mark.django_db
def test_the_home_page_is_chinese_by_default(world, client_as):
    body = client_as(world.volunteer).get("/").content.decode()
    assert '<html lang="zh-hans">' in body
    assert "首页" in body
    assert ">Home<" not in body


@pytest.mark.django_db
def test_an_english_browser_alone_does_not_switch_the_language(world, client_as):
    body = client_as(world.volunteer).get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="zh-hans">' in body
    assert "首页" in body


@pytest.mark.django_db
def test_after_choosing_english_the_home_page_is_english(world, client_as):
    client = client_as(world.volunteer)
    choose_english(client)
    body = client.get("/").content.decode()
    assert '<html lang="en">' in body
    assert "Home</a>" in body
    assert "Hello, " in body
    assert "首页" not in body


@pytest.mark.django_db
def test_in_english_the_menu_and_the_unit_registry_are_english(world, client_as):
    client = client_as(world.staff)
    choose_english(client)
    body = client.get("/orgs/units/").content.decode()
    assert "Unit registry" in body  # a menu label registered in orgs/nav.py
    assert "Unit name" in body
    assert "2 units" in body  # 区教育局 and 区财政局 of fed_a


@pytest.mark.django_db
def test_the_error_pages_follow_the_language_and_chinese_can_be_chosen_back(world, client_as):
    client = client_as(world.staff)
    choose_english(client)
    body = client.get("/orgs/units/999999/").content.decode()
    assert '<html lang="en">' in body
    assert "Page not found" in body
    assert "Jinguo" in body
    assert "页面不存在" not in body
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    body = client.get("/orgs/units/999999/").content.decode()
    assert "页面不存在" in body
    assert '<html lang="zh-hans">' in body
    assert "单位名录" in client.get("/orgs/units/").content.decode()


# --- the English catalogue is complete -------------------------------------------------------------

LOCALE_DIR = Path(__file__).resolve().parents[2] / "locale" / "en" / "LC_MESSAGES"


def read_po(path: Path) -> list[dict]:
    """The entries of a .po file (obsolete `#~` ones left out), each with flags, msgctxt, msgid, msgid_plural
    and msgstr as {index: text}. Enough of the format for makemessages' output; polib is not a dependency."""
    entries: list[dict] = []
    entry: dict | None = None
    key: object = None
    for raw in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = raw.strip()
        if not line:
            if entry is not None and "msgid" in entry:
                entries.append(entry)
            entry, key = None, None
            continue
        if line.startswith("#~"):
            continue
        if entry is None:
            entry = {"flags": set(), "msgstr": {}}
        if line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            if isinstance(key, int):
                entry["msgstr"][key] += ast.literal_eval(line)
            else:
                entry[key] += ast.literal_eval(line)
        else:
            keyword, _, value = line.partition(" ")
            match = re.fullmatch(r"msgstr(?:\[(\d+)\])?", keyword)
            key = int(match.group(1) or 0) if match else keyword
            if isinstance(key, int):
                entry["msgstr"][key] = ast.literal_eval(value)
            else:
                entry[key] = ast.literal_eval(value)
    return entries


def describe(entry: dict) -> str:
    return f"{entry.get('msgctxt', '')}|{entry['msgid']}"


def test_the_english_catalogue_has_no_untranslated_or_fuzzy_entries():
    entries = [e for e in read_po(LOCALE_DIR / "django.po") if e["msgid"]]  # the header has an empty msgid
    assert len(entries) > 300
    fuzzy = [describe(e) for e in entries if "fuzzy" in e["flags"]]
    untranslated = [describe(e) for e in entries if not e["msgstr"] or not all(e["msgstr"].values())]
    assert fuzzy == []
    assert untranslated == []
    singular_only = [describe(e) for e in entries if "msgid_plural" in e and sorted(e["msgstr"]) != [0, 1]]
    assert singular_only == []  # Plural-Forms: nplurals=2


def test_the_compiled_catalogue_matches_the_po():
    """django.mo is committed: a .po edit without compilemessages would not reach the pages."""
    with open(LOCALE_DIR / "django.mo", "rb") as fh:
        catalog = gettext.GNUTranslations(fh)._catalog  # type: ignore[attr-defined]
    stale = []
    for e in read_po(LOCALE_DIR / "django.po"):
        if not e["msgid"]:
            continue
        key = f"{e['msgctxt']}\x04{e['msgid']}" if "msgctxt" in e else e["msgid"]
        if "msgid_plural" in e:
            compiled = {i: catalog.get((key, i)) for i in e["msgstr"]}
        else:
            compiled = {0: catalog.get(key)}
        if compiled != e["msgstr"]:
            stale.append(describe(e))
    assert stale == []


@pytest.mark.django_db
def test_in_english_the_dashboard_is_english(world, client_as):
    client = client_as(world.staff)
    choose_english(client)
    response = client.get("/dashboard/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Self-inspection dashboard" in body
    for english in ("Formation rate", "On-time re-election rate", "Timely vacancy-fill rate"):
        assert english in body
    assert "Units without a women" in body
    assert "Period: " in body
    for chinese in ("组建率", "按时换届率", "及时补缺率", "统计期间", "自查工作台", "未组建妇委会的单位"):
        assert chinese not in body
