"""Encrypted, verified backups of the whole database, and restores (恢复演练), for SQLite and PostgreSQL.

A backup file (``.jgbk``) is::

    header  = b"JGBK" | version (1 byte) | len(key id) (1 byte) | key id | nonce prefix (8 bytes)
    chunks  = [ len (4 bytes, big endian) | AES-GCM(chunk) ] ...

Each chunk of at most 1 MiB is sealed with the backup key named in the header (the key ring's
`backup_keys`, not the keys of personal information), nonce = prefix | chunk number, and associated data
= header | chunk number | final flag: chunks cannot be reordered, dropped, or the file cut short
without the decryption failing. The plaintext is a tar of ``manifest.json`` (format, database vendor,
time, row count per table at backup time, migrations) and the dump: a SQLite copy taken with the
online backup API inside a read transaction that also counted the rows, or `pg_dump -Fc` of a snapshot
exported by the transaction that counted them.

Verification decrypts to a private temp directory, checks integrity (PRAGMA integrity_check /
pg_restore --list), compares row counts with the manifest (SQLite: in the copy; PostgreSQL: at restore),
and decrypts one value of every encrypted column (so a backup whose keys are lost is noticed now, not on
the day of the restore). Every backup, verification and restore is recorded (core.BackupRecord) and
audited.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import secrets
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.db import connection, connections
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import audit, crypto
from core.fields import encrypted_fields

MAGIC = b"JGBK"
FORMAT_VERSION = 1
CHUNK_BYTES = 1024 * 1024
MANIFEST_NAME = "manifest.json"
SQLITE_NAME = "database.sqlite3"
PG_NAME = "database.pgdump"

NOT_A_BACKUP_MESSAGE = _("不是有效的备份文件（文件头不符）。")
UNSUPPORTED_VERSION_MESSAGE = _("不支持的备份文件格式版本：{version}。")
UNKNOWN_BACKUP_KEY_MESSAGE = _("备份文件使用的密钥 {kid} 不在密钥环中，无法解密。")
TAMPERED_MESSAGE = _("备份文件校验失败：文件已损坏、被篡改或密钥错误。")
TRUNCATED_MESSAGE = _("备份文件不完整（已被截断）。")
NO_BACKUP_KEY_MESSAGE = _("密钥环中没有备份密钥：请运行 rotate_keys --backup-key。")
INTEGRITY_FAILED_MESSAGE = _("数据库完整性检查未通过：{detail}")
COUNT_MISMATCH_MESSAGE = _("表 {table} 行数不符：备份时 {expected}，现为 {actual}。")
SAMPLE_FAILED_MESSAGE = _("加密字段抽样解密失败：{table}.{column}（{detail}）")
VENDOR_MISMATCH_MESSAGE = _("备份来自 {backup}，当前数据库为 {current}，不能恢复。")
TOOL_FAILED_MESSAGE = _("{tool} 执行失败：{detail}")


class BackupError(Exception):
    """A backup file that cannot be trusted or used; the message is for the operator (Chinese)."""


@dataclass
class Outcome:
    path: Path
    size: int = 0
    sha256: str = ""
    vendor: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    samples: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


# --- the encrypted container --------------------------------------------------------------------


def _header(kid: str, prefix: bytes) -> bytes:
    k = kid.encode()
    return MAGIC + bytes([FORMAT_VERSION, len(k)]) + k + prefix


def encrypt_stream(src: IO[bytes], dst: IO[bytes], *, ring: crypto.KeyRing | None = None) -> None:
    ring = ring or crypto.keyring()
    kid = ring.backup_active
    if not kid:
        raise BackupError(NO_BACKUP_KEY_MESSAGE)
    aes = AESGCM(ring.backup_keys[kid])
    prefix = secrets.token_bytes(8)
    header = _header(kid, prefix)
    dst.write(header)
    index = 0
    chunk = src.read(CHUNK_BYTES)
    while True:
        following = src.read(CHUNK_BYTES)
        final = not following
        nonce = prefix + index.to_bytes(4, "big")
        sealed = aes.encrypt(nonce, chunk, header + index.to_bytes(8, "big") + bytes([final]))
        dst.write(len(sealed).to_bytes(4, "big") + sealed)
        if final:
            return
        chunk, index = following, index + 1


def _read_exact(src: IO[bytes], n: int) -> bytes:
    data = src.read(n)
    if len(data) != n:
        raise BackupError(TRUNCATED_MESSAGE)
    return data


def decrypt_stream(src: IO[bytes], dst: IO[bytes], *, ring: crypto.KeyRing | None = None) -> str:
    """Decrypt a backup file into `dst`; returns the backup key id. Raises BackupError."""
    ring = ring or crypto.keyring()
    if src.read(len(MAGIC)) != MAGIC:
        raise BackupError(NOT_A_BACKUP_MESSAGE)
    version, klen = _read_exact(src, 2)
    if version != FORMAT_VERSION:
        raise BackupError(UNSUPPORTED_VERSION_MESSAGE.format(version=version))
    kid = _read_exact(src, klen).decode("ascii", "replace")
    prefix = _read_exact(src, 8)
    key = ring.backup_keys.get(kid)
    if key is None:
        raise BackupError(UNKNOWN_BACKUP_KEY_MESSAGE.format(kid=kid))
    aes, header, index = AESGCM(key), _header(kid, prefix), 0
    while True:
        length_bytes = src.read(4)
        if not length_bytes:
            raise BackupError(TRUNCATED_MESSAGE)
        sealed = _read_exact(src, int.from_bytes(_pad4(length_bytes), "big"))
        nonce = prefix + index.to_bytes(4, "big")
        for final in (False, True):
            try:
                dst.write(aes.decrypt(nonce, sealed, header + index.to_bytes(8, "big") + bytes([final])))
                break
            except InvalidTag:
                continue
        else:
            raise BackupError(TAMPERED_MESSAGE)
        if final:
            if src.read(1):
                raise BackupError(TAMPERED_MESSAGE)
            return kid
        index += 1


def _pad4(b: bytes) -> bytes:
    if len(b) != 4:
        raise BackupError(TRUNCATED_MESSAGE)
    return b


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(CHUNK_BYTES), b""):
            h.update(block)
    return h.hexdigest()


@contextmanager
def private_tempdir() -> Iterator[Path]:
    """A 0700 temp directory for plaintext, removed afterwards whatever happens."""
    base = Path(settings.VAR_DIR) / "tmp"
    base.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = Path(tempfile.mkdtemp(prefix="backup-", dir=base))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


# --- dumping ------------------------------------------------------------------------------------


def _sqlite_connect(name: str) -> sqlite3.Connection:
    uri = name.startswith("file:")
    return sqlite3.connect(name, uri=uri, isolation_level=None, timeout=20)


def _sqlite_counts(conn: sqlite3.Connection) -> dict[str, int]:
    names = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    return {n: conn.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0] for n in names}  # noqa: S608


def _pg_args(settings_dict: dict[str, Any], dbname: str | None = None) -> tuple[list[str], dict[str, str]]:
    s = settings_dict
    args = [
        "-h",
        s.get("HOST") or "127.0.0.1",
        "-p",
        str(s.get("PORT") or 5432),
        "-U",
        s.get("USER") or "postgres",
    ]
    env = {**os.environ, "PGPASSWORD": s.get("PASSWORD") or "", "PGCONNECT_TIMEOUT": "10"}
    return [*args, "-d", dbname or s["NAME"]], env


def _run(tool: str, args: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    proc = subprocess.run([tool, *args], env=env, capture_output=True, timeout=3600, check=False)  # noqa: S603
    if proc.returncode != 0:
        raise BackupError(
            TOOL_FAILED_MESSAGE.format(tool=tool, detail=proc.stderr.decode(errors="replace")[-500:])
        )
    return proc


def _pg_counts(cursor: Any) -> dict[str, int]:
    cursor.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
        "AND table_type = 'BASE TABLE' ORDER BY table_name"
    )
    names = [r[0] for r in cursor.fetchall()]
    counts = {}
    for n in names:
        cursor.execute(f'SELECT COUNT(*) FROM "{n}"')  # noqa: S608
        counts[n] = cursor.fetchone()[0]
    return counts


def dump_database(workdir: Path) -> tuple[str, dict[str, int], str]:
    """Dump the default database into `workdir`; returns (vendor, row counts, dump file name)."""
    vendor = connection.vendor
    if vendor == "sqlite":
        src = _sqlite_connect(str(connection.settings_dict["NAME"]))
        try:
            src.execute("BEGIN")  # one read snapshot for the counts and the copy
            counts = _sqlite_counts(src)
            dst = sqlite3.connect(workdir / SQLITE_NAME)
            src.backup(dst)
            dst.close()
            src.execute("COMMIT")
        finally:
            src.close()
        return vendor, counts, SQLITE_NAME
    if vendor == "postgresql":
        args, env = _pg_args(connection.settings_dict)
        if connection.in_atomic_block:  # cannot change isolation inside a running transaction
            with connection.cursor() as cur:
                counts = _pg_counts(cur)
            _run("pg_dump", ["-Fc", "-f", str(workdir / PG_NAME), *args], env)
            return vendor, counts, PG_NAME
        connection.ensure_connection()
        raw = connection.connection
        with raw.transaction():  # psycopg: BEGIN ... COMMIT, the snapshot lives as long as this
            with raw.cursor() as cur:
                cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                cur.execute("SELECT pg_export_snapshot()")
                snapshot = cur.fetchone()[0]
                counts = _pg_counts(cur)
                _run("pg_dump", ["-Fc", f"--snapshot={snapshot}", "-f", str(workdir / PG_NAME), *args], env)
        return vendor, counts, PG_NAME
    raise BackupError(f"unsupported database vendor {vendor}")


def _migrations() -> dict[str, str]:
    with connection.cursor() as cur:
        cur.execute("SELECT app, name FROM django_migrations ORDER BY id")
        latest: dict[str, str] = {}
        for app, name in cur.fetchall():
            latest[app] = name
    return latest


def default_output() -> Path:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return Path(settings.VAR_DIR) / "backups" / f"jinguo-{stamp}.jgbk"


def create_backup(output: Path | None = None) -> Outcome:
    """Dump, pack, encrypt to `output` (0600). Verification is separate (`verify_backup`)."""
    output = Path(output) if output else default_output()
    output.parent.mkdir(parents=True, exist_ok=True)
    with private_tempdir() as work:
        vendor, counts, dump_name = dump_database(work)
        manifest = {
            "format": FORMAT_VERSION,
            "vendor": vendor,
            "created_at": timezone.now().isoformat(),
            "database": str(connection.settings_dict["NAME"]),
            "counts": counts,
            "migrations": _migrations(),
            "dump": dump_name,
        }
        tar_path = work / "payload.tar"
        with tarfile.open(tar_path, "w") as tar:
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo(MANIFEST_NAME)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
            tar.add(work / dump_name, arcname=dump_name)
        partial = output.with_name(output.name + ".partial")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as dst, tar_path.open("rb") as src:
            encrypt_stream(src, dst)
            dst.flush()
            os.fsync(dst.fileno())
        os.replace(partial, output)
    return Outcome(
        path=output, size=output.stat().st_size, sha256=sha256_of(output), vendor=vendor, counts=counts
    )


# --- reading back -------------------------------------------------------------------------------


def unpack(path: Path, work: Path) -> dict[str, Any]:
    """Decrypt and extract `path` into `work`; returns the manifest. Raises BackupError."""
    tar_path = work / "payload.tar"
    with Path(path).open("rb") as src, tar_path.open("wb") as dst:
        decrypt_stream(src, dst)
    with tarfile.open(tar_path) as tar:
        names = set(tar.getnames())
        if MANIFEST_NAME not in names:
            raise BackupError(NOT_A_BACKUP_MESSAGE)
        tar.extractall(work, filter="data")
    tar_path.unlink()
    manifest = json.loads((work / MANIFEST_NAME).read_text("utf-8"))
    if manifest.get("dump") not in names:
        raise BackupError(NOT_A_BACKUP_MESSAGE)
    return manifest


def _sample_columns() -> list[tuple[str, str]]:
    from django.apps import apps

    return sorted(
        (m._meta.db_table, f.column)
        for m in apps.get_models()
        if not m._meta.proxy
        for f in encrypted_fields(m)
    )


def _check_sample(table: str, column: str, value: str | None, outcome: Outcome) -> None:
    key = f"{table}.{column}"
    if not value:
        outcome.samples[key] = "empty"
        return
    try:
        crypto.decrypt(value, aad=crypto.associated_data(table, column))
        outcome.samples[key] = "ok"
    except crypto.DecryptionError as exc:
        outcome.samples[key] = "failed"
        outcome.problems.append(SAMPLE_FAILED_MESSAGE.format(table=table, column=column, detail=exc.detail))


def _verify_sqlite(db: Path, manifest: dict[str, Any], outcome: Outcome) -> None:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        result = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        if result != ["ok"]:
            outcome.problems.append(INTEGRITY_FAILED_MESSAGE.format(detail="; ".join(result)[:300]))
            return
        actual = _sqlite_counts(conn)
        _compare_counts(manifest["counts"], actual, outcome)
        tables = set(actual)
        for table, column in _sample_columns():
            if table in tables:
                row = conn.execute(
                    f'SELECT "{column}" FROM "{table}" WHERE "{column}" != \'\' ORDER BY rowid LIMIT 1'  # noqa: S608
                ).fetchone()
                _check_sample(table, column, row[0] if row else None, outcome)
    finally:
        conn.close()


def _compare_counts(expected: dict[str, int], actual: dict[str, int], outcome: Outcome) -> None:
    outcome.counts = actual
    for table, n in sorted(expected.items()):
        if actual.get(table) != n:
            outcome.problems.append(
                COUNT_MISMATCH_MESSAGE.format(table=table, expected=n, actual=actual.get(table))
            )


_COPY_RE = re.compile(r"^COPY (?:\S+\.)?\"?(\w+)\"? \((.*)\) FROM stdin;$")


def _verify_pg(dump: Path, manifest: dict[str, Any], outcome: Outcome) -> None:
    listing = _run("pg_restore", ["--list", str(dump)]).stdout.decode(errors="replace")
    with_data = set(re.findall(r"TABLE DATA \S+ (\S+) ", listing))
    outcome.counts = dict(manifest["counts"])
    for table in manifest["counts"]:
        if table not in with_data:
            outcome.problems.append(COUNT_MISMATCH_MESSAGE.format(table=table, expected=_("有"), actual=_("缺失")))
    by_table: dict[str, list[str]] = {}
    for table, column in _sample_columns():
        by_table.setdefault(table, []).append(column)
    for table, columns in by_table.items():
        if table not in with_data:
            continue
        out = _run("pg_restore", ["--data-only", f"--table={table}", "-f", "-", str(dump)]).stdout.decode()
        header: list[str] = []
        found: dict[str, str] = {}
        for line in out.splitlines():
            if m := _COPY_RE.match(line):
                header = [c.strip().strip('"') for c in m.group(2).split(",")]
                continue
            if not header or line == "\\.":
                header = [] if line == "\\." else header
                continue
            row = dict(zip(header, line.split("\t"), strict=False))
            for c in columns:
                if c not in found and row.get(c) not in (None, "", "\\N"):
                    found[c] = row[c]
            if len(found) == len(columns):
                break
        for c in columns:
            _check_sample(table, c, found.get(c), outcome)


def verify_backup(path: Path) -> Outcome:
    """Decrypt, check integrity, counts and one encrypted value per column. Never raises for a bad file."""
    path = Path(path)
    outcome = Outcome(path=path)
    try:
        outcome.size, outcome.sha256 = path.stat().st_size, sha256_of(path)
        with private_tempdir() as work:
            manifest = unpack(path, work)
            outcome.vendor = manifest["vendor"]
            if manifest["vendor"] == "sqlite":
                _verify_sqlite(work / manifest["dump"], manifest, outcome)
            else:
                _verify_pg(work / manifest["dump"], manifest, outcome)
    except BackupError as exc:
        outcome.problems.append(str(exc))
    except (OSError, tarfile.TarError, ValueError, KeyError) as exc:
        outcome.problems.append(f"{NOT_A_BACKUP_MESSAGE} ({type(exc).__name__}: {exc})")
    return outcome


def restore_backup(path: Path, *, database_name: str | None = None) -> Outcome:
    """Replace the database's contents with the backup's. PostgreSQL may restore into another database
    (`database_name`, which must exist) for a restore drill. Raises BackupError before touching anything
    when the file does not verify."""
    path = Path(path)
    outcome = Outcome(path=path, size=path.stat().st_size, sha256=sha256_of(path))
    with private_tempdir() as work:
        manifest = unpack(path, work)
        outcome.vendor = vendor = manifest["vendor"]
        if vendor != connection.vendor:
            raise BackupError(VENDOR_MISMATCH_MESSAGE.format(backup=vendor, current=connection.vendor))
        dump = work / manifest["dump"]
        if vendor == "sqlite":
            pre = Outcome(path=path)
            _verify_sqlite(dump, manifest, pre)
            if pre.problems:
                raise BackupError("; ".join(pre.problems))
            target = str(connection.settings_dict["NAME"])
            connections.close_all()
            src, dst = sqlite3.connect(dump), _sqlite_connect(target)
            try:
                src.backup(dst)
            finally:
                src.close()
                dst.close()
            check = _sqlite_connect(target)
            try:
                _compare_counts(manifest["counts"], _sqlite_counts(check), outcome)
            finally:
                check.close()
        else:
            _run("pg_restore", ["--list", str(dump)])
            connections.close_all()
            args, env = _pg_args(connection.settings_dict, database_name)
            _run(
                "pg_restore",
                ["--clean", "--if-exists", "--no-owner", "--single-transaction", *args, str(dump)],
                env,
            )
            import psycopg

            s = connection.settings_dict
            with (
                psycopg.connect(
                    host=s.get("HOST") or "127.0.0.1",
                    port=s.get("PORT") or 5432,
                    user=s.get("USER") or "postgres",
                    password=s.get("PASSWORD") or None,
                    dbname=database_name or s["NAME"],
                ) as conn,
                conn.cursor() as cur,
            ):
                _compare_counts(manifest["counts"], _pg_counts(cur), outcome)
    return outcome


# --- records ------------------------------------------------------------------------------------


def record(kind: str, outcome: Outcome, *, detail: str = "") -> Any:
    """One BackupRecord and one audit event for a backup, verification or restore."""
    from core.models import BackupRecord

    ctx = audit.current()
    result = "success" if outcome.ok else "failure"
    text = "; ".join([*([detail] if detail else []), *outcome.problems])[:2000]
    rec = BackupRecord.objects.create(
        kind=kind,
        file=str(outcome.path)[:500],
        size=outcome.size,
        sha256=outcome.sha256,
        vendor=outcome.vendor,
        result=result,
        counts={"tables": outcome.counts, "samples": outcome.samples},
        detail=text,
        actor_name=ctx.username if ctx else "system",
    )
    audit.record(
        f"backup_{kind}" if kind != "backup" else "backup",
        obj=rec,
        result=result,
        changes={"file": str(outcome.path), "sha256": outcome.sha256, "size": outcome.size},
        detail=text[:500],
    )
    return rec
