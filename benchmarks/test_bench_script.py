"""The summaries of scripts/bench.py (`make bench`): pure functions, statuses in, summary out."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "bench.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_script", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_script"] = module
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop("bench_script", None)


def test_a_save_is_the_forms_redirect_and_a_stale_version_is_a_conflict(bench):
    conflict_page = "<p>保存失败：这条记录已被其他人修改。请刷新页面查看最新内容后再修改。</p>".encode()
    assert bench.classify_write(302, b"") == "ok"
    assert bench.classify_write(200, conflict_page) == "conflict"
    assert bench.classify_write(409, b"{}") == "conflict"
    assert bench.classify_write(200, "<p>名称已被使用</p>".encode()) == "refused"
    assert bench.classify_write(403, b"CSRF") == "refused"
    assert bench.classify_write(500, b"") == "5xx"


def test_the_summary_of_a_phase_counts_outcomes_statuses_and_percentiles(bench):
    reads = [(200, float(ms)) for ms in range(1, 100)] + [(500, 1000.0), (0, 120000.0)]
    writes = [("ok", 302, 10.0)] * 5 + [("conflict", 200, 20.0)] * 2 + [("5xx", 502, 30.0), ("5xx", 0, 40.0)]
    s = bench.summarise_phase(reads, writes, 2.5, locked=3)
    assert (s["reads"], s["writes"], s["writes_ok"], s["conflicts"], s["refused"]) == (101, 9, 5, 2, 0)
    assert s["5xx"] == 1 + 2  # the read's 500 and both failed writes (one without any answer)
    assert s["no_answer"] == 2
    assert s["locked"] == 3 and s["seconds"] == 2.5
    assert s["read_statuses"] == {"0": 1, "200": 99, "500": 1}
    assert s["write_statuses"] == {"0": 1, "200": 2, "302": 5, "502": 1}
    assert s["read_p50_ms"] == 51.0 and s["read_p99_ms"] == 1000.0
    assert s["write_p50_ms"] == 10.0 and s["write_p99_ms"] == 40.0


def test_an_empty_phase_has_no_percentiles(bench):
    s = bench.summarise_phase([], [], 1.0)
    assert s["read_p50_ms"] is None and s["write_p99_ms"] is None and s["5xx"] == 0
    assert "-" in bench.phase_line(s)


def test_the_concurrency_table_has_a_line_per_engine_size_and_phase_with_writers(bench):
    alone = bench.summarise_phase([(200, 10.0), (200, 30.0)], [], 1.0)
    writes = bench.summarise_phase([(200, 50.0)], [("ok", 302, 5.0), ("conflict", 200, 6.0)], 1.0, locked=1)
    during = {
        **bench.summarise_phase([(200, 900.0)], [("5xx", 500, 7.0)], 9.0),
        "import_rows": 3064,
        "import_s": 9.4,
        "import_rc": 0,
    }
    figures = {
        "sqlite": {"sizes": {"1000": {"concurrency": {"alone": alone, "writes": writes, "import": during}}}},
        "postgresql": {"sizes": {"1000": {"concurrency": {"alone": alone, "writes": writes}}}},
    }
    lines = bench.concurrency_table(figures).splitlines()
    assert len(lines) == 4 and lines[0].startswith("concurrency")
    sqlite_writes, sqlite_import, pg_writes = lines[1:]
    assert sqlite_writes.split()[:8] == ["sqlite", "1,000", "writes", "1", "1", "0", "0", "1"]
    assert sqlite_writes.split()[-2:] == ["30/30", "50/50"]
    assert sqlite_import.split()[:8] == ["sqlite", "1,000", "import", "0", "0", "0", "1", "0"]
    assert "900/900" in sqlite_import and "3,064 rows: 9.4 s, rc 0" in sqlite_import
    assert pg_writes.startswith("postgresql")


def test_the_edit_form_is_read_as_a_browser_would_post_it(bench):
    page = """
    <form method="post" action="/accounts/logout/"><input type="hidden" name="csrfmiddlewaretoken" value="a"></form>
    <form method="post">
      <input type="hidden" name="csrfmiddlewaretoken" value="tok">
      <input type="text" name="name" value="区教育局">
      <select name="kind"><option value="a">A</option><option value="b" selected>B</option></select>
      <select name="other"><option value="first">1</option><option value="second">2</option></select>
      <input type="checkbox" name="requires_committee" checked>
      <input type="checkbox" name="unticked">
      <input type="number" name="female_staff_count" value="12">
      <textarea name="notes">第一行
第二行 &amp; 更多</textarea>
      <input type="hidden" name="version" value="7">
      <button type="submit" name="save">保存</button>
    </form>"""
    parser = bench.FormFields()
    parser.feed(page)
    assert len(parser.forms) == 2
    assert parser.forms[1] == {
        "csrfmiddlewaretoken": "tok",
        "name": "区教育局",
        "kind": "b",
        "other": "first",
        "requires_committee": "on",
        "female_staff_count": "12",
        "notes": "第一行\n第二行 & 更多",
        "version": "7",
    }


def test_only_benchmark_databases_are_ever_created_or_dropped(bench):
    server = bench.PgServer("postgres://postgres@127.0.0.1:5432/postgres-server")
    assert server.url("jinguo_bench_1000") == "postgres://postgres@127.0.0.1:5432/jinguo_bench_1000"
    for name in ("test", "postgres", "template1", "h_benchpg", 'jinguo_bench_x"; DROP DATABASE test; --'):
        with pytest.raises(ValueError):
            server._checked(name)
    assert server._checked("jinguo_bench_template") == "jinguo_bench_template"
