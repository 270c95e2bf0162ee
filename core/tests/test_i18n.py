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


# --- no Chinese word in app code outside gettext ----------------------------------------------------

REPO = Path(__file__).resolve().parents[2]
SCANNED_APPS = ("core", "accounts", "orgs", "dashboard", "committees")
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")
HAS_WORDS = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")  # ideographs, not punctuation
GETTEXT_CALLS = {
    "_", "_g", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext", "pgettext_lazy",
    "npgettext", "npgettext_lazy", "gettext_noop",
}
# Calls whose Chinese argument is a record, not a word on a page: the audit log stores it as written
# (what the log shows around it is translated), and a confidential read names its purpose there too.
RECORD_CALLS = {"record", "system_scope", "reading", "reads_confidential"}
# Files not yet through gettext: each one is a piece of work left, not an exception. Remove a file from this
# list once its words are translated; the test then keeps it so.
NOT_YET_TRANSLATED: set[str] = set()
# Chinese that is data or an identifier, never shown as a word of the interface.
ALLOWED = {
    # The CJK ranges a unit name is normalised over (a character class, not words).
    ("orgs/names.py", "\u2e80-\u2fdf\u3001-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"),
    # An input format: a date typed the Chinese way (2024年03月08日) is accepted in every language.
    ("core/forms.py", "%Y年%m月%d日"),
    # What the audit log stores for a confidential field's change (a record, as written).
    ("core/auditvalues.py", "***（已修改）"),
    # Where a change without a request came from, stored with the event (a record, as written).
    ("core/auditcontext.py", "命令行"),
    ("core/auditcontext.py", "后台任务"),
    # The masked value the audit log stored for a confidential field (core.audit.REDACTED), recognised in old rows.
    ("core/auditlog.py", "***（已修改）"),
    # The detail stored with an audit purge's own event (a record, as written).
    ("core/auditguard.py", "清理 {before} 之前的审计日志 {count} 条"),
    # The key ring is read while settings load, before any catalogue can be: an operator's message as written.
    ("core/crypto.py", "未配置个人信息加密密钥：请设置 JINGUO_KEYS 环境变量或提供 JINGUO_KEYS_FILE 密钥文件。"),
    ("core/crypto.py", "个人信息加密密钥配置无效：{reason}"),
    # A command's help (English, as every command's) naming the ledger's sheets as they are spelt in a workbook.
    ("committees/management/commands/import_ledger.py",
     "Import the ledger workbook (sheets 单位, 届次, 缺位); --dry-run checks and reports without writing."),
    # Field descriptions of the OpenAPI schema, fixed when pydantic builds the class (before any request).
    # What a clerk types in a ledger cell, read in every language: the Chinese forms of a date, of yes and no
    # (besides 是/否, which the workbook writes in its language), of a term's number (第十二届).
    ("committees/ledger/cells.py", r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$"),
    ("committees/ledger/cells.py", "需要 需建"),
    ("committees/ledger/cells.py", "不需要 不需建"),
    ("committees/ledger/cells.py", "十"),
    ("committees/ledger/cells.py", "一二三四五六七八九"),
    ("committees/ledger/cells.py", r"第?\s*(\d+|[一二三四五六七八九十]{1,3})\s*届?"),
    ("core/api.py", "每页条数，1–"),
    ("core/api.py", "跳过的条数，0–"),
    ("core/crypto.py", "密钥来自环境变量 JINGUO_KEYS，无法在此修改；请更新密钥文件或环境变量。"),
}


def _skipped(rel: str) -> bool:
    parts = rel.split("/")
    return (
        "tests" in parts or "migrations" in parts or "testing" in parts
        # The demo's and the scale test's data (names of federations, units, places), not interface words.
        or parts[-1] in ("demo.py", "testing.py", "generate_scale.py")
        or any(rel.startswith(p) for p in NOT_YET_TRANSLATED)
    )


def chinese_literals_outside_gettext(tree: ast.AST) -> list[tuple[int, str]]:
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str) and CJK.search(node.value)):
            continue
        if isinstance(parents.get(node), ast.Expr):
            continue  # a docstring
        if not HAS_WORDS.search(node.value):
            # Only full-width punctuation between values (a colon, brackets): the walker judges what a page
            # shows; a sentence with words always has one of them outside this set.
            continue
        up, inside = node, False
        while up in parents:
            up = parents[up]
            if isinstance(up, ast.Call):
                func = up.func
                name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
                if name in GETTEXT_CALLS or name in RECORD_CALLS:
                    inside = True
                    break
        if not inside:
            found.append((node.lineno, node.value))
    return found


def test_the_scan_finds_a_word_outside_gettext():
    tree = ast.parse('MSG = "已保存。"\nOK = _("已保存。")\n"""文档。"""\nclass A:\n    label = f"第{n}届"\n')
    assert chinese_literals_outside_gettext(tree) == [(1, "已保存。"), (5, "第"), (5, "届")]


def test_no_chinese_literal_outside_gettext():
    problems = []
    for app in SCANNED_APPS:
        for path in sorted((REPO / app).rglob("*.py")):
            rel = path.relative_to(REPO).as_posix()
            if _skipped(rel):
                continue
            for line, text in chinese_literals_outside_gettext(ast.parse(path.read_text(encoding="utf-8"))):
                if (rel, text) not in ALLOWED:
                    problems.append(f"{rel}:{line}: {text[:40]!r}")
    assert problems == []


# --- the API answers in the chosen language ---------------------------------------------------------

TOKEN_URL = "/api/v1/auth/token"


@pytest.mark.django_db
def test_api_refusals_are_chinese_by_default_even_to_an_english_browser(client):
    response = client.post(TOKEN_URL, "x", content_type="text/plain", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 415
    assert response.json()["message"].startswith("请求体须为 JSON")


@pytest.mark.django_db
def test_api_refusals_follow_the_chosen_language(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(TOKEN_URL, "x", content_type="text/plain")
    assert response.status_code == 415
    assert response.json()["message"].startswith("The request body must be JSON")
    response = client.post(TOKEN_URL, {"username": "someone"}, content_type="application/json")
    assert response.status_code == 422
    message = response.json()["message"]
    assert message.startswith("The request's parameters are invalid: ")
    assert "is required" in message
    assert not CJK.search(message)
