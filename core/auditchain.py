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

`core.auditverify.verify()` walks the chain and returns a `Report` with every problem; `manage.py
verify_audit` and the auditor's page `/audit/verify/` both call it. This module only seals: it sits below
the audit log's model and writer, which use it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hmac
import ipaddress
import json
import math
from collections.abc import Iterable, Mapping
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.db import connections, transaction

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


_SCALARS = frozenset({str, int, bool, type(None)})


def _plain(value: Any) -> Any:
    """JSON data as the database gives it back: keys as text, tuples as lists, integral floats as ints."""
    kind = type(value)
    if kind is dict:
        # The common shape of an event's changes, {field: [old, new]} of text, numbers and None, kept as
        # it is (nothing in it to convert); anything else goes the long way.
        for k, v in value.items():
            if type(k) is not str or type(v) is not list:
                break
            if len(v) == 2:
                if type(v[0]) not in _SCALARS or type(v[1]) not in _SCALARS:
                    break
            elif any(type(x) not in _SCALARS for x in v):
                break
        else:
            return value
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
