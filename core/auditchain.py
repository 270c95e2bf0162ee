"""The audit log's keyed hash chain: every event sealed and linked to the one before it.

Each event gets, at insert, a `seq` (1, 2, 3, … without gaps), a `mac` (HMAC-SHA256 over a canonical
serialisation of its stored fields, `seq` included) and a `chain` (HMAC-SHA256 over the previous event's
chain and this event's mac). The key is derived from the key ring's `hmac_key` for this purpose alone
(HKDF, `CHAIN_KEY_INFO`); it is never the encryption key. Without the key nobody can write an event,
or change one, that verifies: an altered event fails its mac, a deleted one leaves a gap in `seq`, a
forged one fails its mac.

Events are written in two places only, both through `assign`: `AuditEvent.save()` (one event) and
`core.audit.record_many` (a batch). `assign` reads the head of the chain in one query under a lock that
lasts until the writer's transaction ends: on SQLite the write transaction itself (IMMEDIATE, so the
lock is taken at BEGIN); on PostgreSQL `core_auditevent_chain_head()` takes `pg_advisory_xact_lock`
before it reads. Two writers therefore never fork the chain (and `seq` is unique besides).

A purge (`core.auditguard.purge_before`) deletes a prefix of the chain and first records an anchor
(`AuditAnchor`: "purged up to seq N, whose chain was X", itself sealed), so `verify` starts from it.

`verify()` walks the chain and returns a `Report` with every problem; `manage.py verify_audit` and the
auditor's page `/audit/verify/` both call it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hmac
import ipaddress
import json
import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.db import connections, transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

CHAIN_KEY_INFO = b"jinguo:audit-chain:v1"
SEAL_VERSION = "v1"
GENESIS = "0" * 64  # the chain value "before" the first event
# pg_advisory_xact_lock's key for the chain head (any fixed 64-bit number; "jinguo-a" in ASCII).
PG_LOCK_KEY = 0x6A696E67756F2D61

# The stored fields an event's mac covers, in this order (its id is the database's and is not covered:
# `seq` is the event's place in the log).
SEALED_FIELDS = (
    "seq",
    "at",
    "actor_id",
    "actor_name",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "changes",
    "result",
    "federation_id",
    "ip",
    "source",
    "origin",
    "detail",
    "part_of",
)
ANCHOR_FIELDS = ("seq", "chain", "purged_before", "deleted", "at")

HEAD_SQL = (
    "SELECT seq, chain FROM ("
    "SELECT seq, chain FROM (SELECT seq, chain FROM core_auditevent ORDER BY seq DESC LIMIT 1) e"
    " UNION ALL "
    "SELECT seq, chain FROM (SELECT seq, chain FROM core_auditanchor ORDER BY seq DESC LIMIT 1) a"
    ") h ORDER BY seq DESC LIMIT 1"
)
# PostgreSQL: the lock, then the head read with a fresh snapshot (each statement of a VOLATILE plpgsql
# function sees what was committed before it started), in one round trip. core/migrations/0010.
PG_HEAD_FUNCTION = f"""
CREATE OR REPLACE FUNCTION core_auditevent_chain_head(OUT head_seq bigint, OUT head_chain varchar)
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM pg_advisory_xact_lock({PG_LOCK_KEY});
    SELECT h.seq, h.chain INTO head_seq, head_chain FROM ({HEAD_SQL}) h;
END
$$
"""  # noqa: S608 - constants of this module only
PG_HEAD_SQL = "SELECT head_seq, head_chain FROM core_auditevent_chain_head()"


# --- the key and the seals ---------------------------------------------------------------------------

_keys: dict[bytes, bytes] = {}


def chain_key() -> bytes:
    """The chain's own key: HKDF-SHA256 of the key ring's hmac_key with CHAIN_KEY_INFO."""
    from core.crypto import keyring

    source = keyring().hmac_key
    key = _keys.get(source)
    if key is None:
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=CHAIN_KEY_INFO).derive(source)
        _keys.clear()
        _keys[source] = key
    return key


def _number(value: float) -> Any:
    # PostgreSQL's jsonb gives back 1e20 as 100000000000000000000 and 2.0 as 2.0 read as a float: an
    # integral float is canonically its integer. NaN and the infinities (SQLite keeps them) as text.
    if not math.isfinite(value):
        return repr(value)
    if value.is_integer():
        return int(value)
    return value


def _plain(value: Any) -> Any:
    """JSON data as the database gives it back: keys as text, tuples as lists, integral floats as ints."""
    kind = type(value)
    if kind is str or kind is int or value is None or kind is bool:
        return value
    if kind is list:
        return [_plain(v) for v in value]
    if isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return _number(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return str(value)


@functools.lru_cache(maxsize=4096)
def _moment(value: Any) -> str:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else str(value)


@functools.lru_cache(maxsize=4096)
def _address(value: Any) -> str:
    if value in (None, ""):
        return ""
    text = str(value).split("/", 1)[0]
    try:
        # The address's bytes: its text form differs between engines and Python versions (an IPv4-mapped
        # IPv6 address, capitals, zeros).
        return ipaddress.ip_address(text).packed.hex()
    except ValueError:
        return text


def _int(value: Any) -> int | None:
    return None if value is None or value == "" else int(value)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def canonical(values: Mapping[str, Any]) -> bytes:
    """The bytes an event's mac covers: its sealed fields (SEALED_FIELDS, in that order), each as the
    database stores and returns it."""
    g = values.get
    changes = g("changes")
    row = [
        SEAL_VERSION,
        _int(g("seq")),
        _moment(g("at")),
        _int(g("actor_id")),
        _text(g("actor_name")),
        _text(g("action")),
        _text(g("object_type")),
        _text(g("object_id")),
        _text(g("object_repr")),
        _plain(changes if changes is not None else {}),
        _text(g("result")),
        _int(g("federation_id")),
        _address(g("ip")),
        _text(g("source")),
        _text(g("origin")),
        _text(g("detail")),
        _int(g("part_of")),
    ]
    return _dumps(row).encode()


_dumps = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False).encode


def _hmac(key: bytes, *parts: bytes) -> str:
    return hmac.digest(key, b"\x1f".join(parts), "sha256").hex()


def event_mac(values: Mapping[str, Any], key: bytes | None = None) -> str:
    return _hmac(key or chain_key(), b"event", canonical(values))


def link(previous: str, mac: str, key: bytes | None = None) -> str:
    return _hmac(key or chain_key(), b"chain", previous.encode(), mac.encode())


def anchor_mac(values: Mapping[str, Any], key: bytes | None = None) -> str:
    row = [
        SEAL_VERSION,
        int(values["seq"]),
        str(values["chain"]),
        _moment(values["purged_before"]),
        int(values["deleted"]),
        _moment(values["at"]),
    ]
    data = json.dumps(row, separators=(",", ":")).encode()
    return _hmac(key or chain_key(), b"anchor", data)


# --- writing -----------------------------------------------------------------------------------------


def head(using: str = "default") -> tuple[int, str]:
    """(seq, chain) of the newest event or anchor, (0, GENESIS) for an empty log; locks the chain on
    PostgreSQL until the transaction ends (call inside one)."""
    conn = connections[using]
    with conn.cursor() as cur:
        cur.execute(PG_HEAD_SQL if conn.vendor == "postgresql" else HEAD_SQL)
        row = cur.fetchone()
    if row is None or row[0] is None:
        return 0, GENESIS
    return int(row[0]), str(row[1])


def in_transaction(using: str = "default") -> Any:
    """A transaction for a chain write: the caller's if it has one (no savepoint, no extra query), else
    a new one (SQLite: BEGIN IMMEDIATE takes the write lock before the head is read)."""
    if connections[using].in_atomic_block:
        return contextlib.nullcontext()
    return transaction.atomic(using=using)


def assign(rows: Iterable[dict[str, Any]], using: str = "default") -> list[dict[str, Any]]:
    """Gives each row (field values by attname, in the order they are inserted) its seq, mac and chain,
    continuing the chain's head; call inside the transaction that inserts them (see `in_transaction`)."""
    key = chain_key()
    seq, previous = head(using)
    out = []
    for values in rows:
        seq += 1
        values["seq"] = seq
        values["mac"] = event_mac(values, key)
        values["chain"] = previous = link(previous, values["mac"], key)
        out.append(values)
    return out


# --- verifying ---------------------------------------------------------------------------------------

MISSING = "missing"
ALTERED = "altered"
STRAY = "stray"
ANCHOR = "anchor"

MISSING_ONE = _("第 {first} 条记录缺失：已被删除。")
MISSING_RANGE = _("第 {first} 至 {last} 条记录缺失（共 {count} 条）：已被删除。")
ALTERED_MESSAGE = _("第 {seq} 条记录（编号 {id}）校验值不符：已被修改或伪造。")
STRAY_MESSAGE = _("第 {seq} 条记录（编号 {id}）位于已清理的范围内（已清理至第 {anchor} 条），不应存在。")
ANCHOR_MESSAGE = _("清理记录（已清理至第 {seq} 条）校验值不符：已被修改或伪造，不予采用。")
OK_MESSAGE = _("审计日志校验通过：共 {count} 条记录（第 {first} 至 {last} 条），未发现缺失或篡改。")
OK_EMPTY_MESSAGE = _("审计日志校验通过：尚无记录。")
PURGED_NOTE = _("第 {seq} 条及之前的记录已于 {at} 按规定清理（清理 {before} 之前的记录）。")
FAILED_MESSAGE = _("审计日志校验未通过：共检查 {count} 条记录，发现 {problems} 处问题。")
TAIL_NOTE = _(
    "说明：校验能发现任何被修改、伪造的记录和中间被删除的记录；最新的记录若被整段删除，"
    "须与此前校验时的最后一条记录（第 {last} 条）对照。"
)

PROBLEMS_KEPT = 1000  # problems listed in a report; all are counted


@dataclass(frozen=True)
class Problem:
    kind: str  # MISSING, ALTERED, STRAY, ANCHOR
    first: int  # the seq (of the first event of a missing range, of the anchor)
    last: int
    event_id: int | None = None
    anchor: int | None = None

    @property
    def message(self) -> str:
        if self.kind == MISSING:
            if self.first == self.last:
                return str(MISSING_ONE).format(first=self.first)
            return str(MISSING_RANGE).format(first=self.first, last=self.last, count=self.last - self.first + 1)
        if self.kind == ALTERED:
            return str(ALTERED_MESSAGE).format(seq=self.first, id=self.event_id)
        if self.kind == STRAY:
            return str(STRAY_MESSAGE).format(seq=self.first, id=self.event_id, anchor=self.anchor)
        return str(ANCHOR_MESSAGE).format(seq=self.first)


@dataclass
class Report:
    checked: int = 0
    first: int | None = None  # the seq of the oldest event checked
    last: int | None = None  # … and of the newest
    anchor: dict[str, Any] | None = None  # the purge the walk started from
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    def add(self, problem: Problem) -> None:
        self.problem_count += 1
        if len(self.problems) < PROBLEMS_KEPT:
            self.problems.append(problem)

    @property
    def summary(self) -> str:
        if not self.ok:
            return str(FAILED_MESSAGE).format(count=self.checked, problems=self.problem_count)
        if self.checked == 0:
            return str(OK_EMPTY_MESSAGE)
        return str(OK_MESSAGE).format(count=self.checked, first=self.first, last=self.last)

    @property
    def purged_note(self) -> str:
        if self.anchor is None:
            return ""
        from django.utils import timezone

        at = timezone.localtime(self.anchor["at"]).strftime("%Y-%m-%d %H:%M")
        return str(PURGED_NOTE).format(seq=self.anchor["seq"], at=at, before=self.anchor["purged_before"])

    @property
    def tail_note(self) -> str:
        return str(TAIL_NOTE).format(last=self.last if self.last is not None else 0)

    @property
    def more(self) -> int:
        return self.problem_count - len(self.problems)

    def lines(self) -> list[str]:
        """What the command prints: every problem listed, then the summary."""
        out = [p.message for p in self.problems]
        if self.more:
            out.append(ngettext("……另有 %(n)d 处问题未列出。", "……另有 %(n)d 处问题未列出。", self.more) % {"n": self.more})
        if self.purged_note:
            out.append(self.purged_note)
        out.append(self.summary)
        return out


def _anchors(using: str, key: bytes, report: Report) -> dict[str, Any] | None:
    """The newest anchor whose seal holds; every anchor whose seal fails is a problem."""
    from core.models import AuditAnchor

    good = None
    for anchor in AuditAnchor.objects.using(using).order_by("seq").values(*ANCHOR_FIELDS, "mac", "id"):
        if not hmac.compare_digest(anchor_mac(anchor, key), anchor["mac"] or ""):
            report.add(Problem(ANCHOR, anchor["seq"], anchor["seq"]))
        else:
            good = anchor
    return good


def _events(using: str, upto: int | None) -> Iterator[dict[str, Any]]:
    from core.models import AuditEvent

    events = AuditEvent.objects.using(using).order_by("seq")
    if upto is not None:
        events = events.filter(seq__lte=upto)
    yield from events.values(*SEALED_FIELDS, "mac", "chain", "id").iterator(chunk_size=2000)


def verify(using: str = "default", *, upto: int | None = None) -> Report:
    """Walks the chain from the newest sound anchor (else from seq 1) to the newest event (or `upto`):
    every seq missing, every event whose mac or link fails, every event left inside a purged range, every
    anchor whose seal fails is a problem of the report."""
    key = chain_key()
    report = Report()
    anchor = _anchors(using, key, report)
    report.anchor = anchor
    expected_seq = (anchor["seq"] if anchor else 0) + 1
    # The chain values the next event may link to: the stored chain of the one before, and what it
    # should have been (an altered chain column then spoils one event only, not the next one too).
    previous = {anchor["chain"] if anchor else GENESIS}
    previous_bad = False
    for event in _events(using, upto):
        seq = event["seq"]
        report.checked += 1
        if seq < expected_seq:
            # Below a purge's anchor: either a forgery or an event the purge should have taken.
            sound = hmac.compare_digest(event_mac(event, key), event["mac"] or "")
            report.add(Problem(STRAY if sound else ALTERED, seq, seq, event["id"], anchor=expected_seq - 1))
            continue
        if report.first is None:
            report.first = seq
        report.last = seq
        gap = seq > expected_seq
        if gap:
            report.add(Problem(MISSING, expected_seq, seq - 1))
        stored_mac, stored_chain = event["mac"] or "", event["chain"] or ""
        sound = hmac.compare_digest(event_mac(event, key), stored_mac)
        links = set() if gap else {link(p, stored_mac, key) for p in previous}
        linked = gap or stored_chain in links
        # A sound event that does not link to a predecessor already reported (replaced by a forgery)
        # is that one's problem, not its own.
        if not sound or (not linked and not previous_bad):
            report.add(Problem(ALTERED, seq, seq, event["id"]))
        previous_bad = not (sound and linked)
        previous = {stored_chain, *links}
        expected_seq = seq + 1
    return report


def verify_and_record(using: str = "default") -> Report:
    """`verify`, then an audit event of the check with its outcome and the newest seq seen (a later
    deletion of the newest events shows against it)."""
    from core import audit

    report = verify(using)
    audit.record(
        "audit_verify",
        object_type="core.auditevent",
        object_repr="审计日志",
        result="success" if report.ok else "failure",
        changes={"checked": report.checked, "last": report.last, "problems": report.problem_count},
        detail=report.summary[:500],
    )
    return report
