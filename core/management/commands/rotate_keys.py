"""Rotate the key of personal information: a new active key, every encrypted value re-encrypted.

    manage.py rotate_keys                 # new key k<n+1> becomes active, all rows re-encrypted
    manage.py rotate_keys --key-id k7     # make k7 active (created when absent), re-encrypt
    manage.py rotate_keys --retire k1     # drop k1 from the ring, only when no row uses it any more
    manage.py rotate_keys --backup-key    # new active backup key (old ones stay for old backups)

Rows are re-encrypted in batches (raw SQL, rows locked where the database can), each batch in one
transaction, with a checkpoint file in VAR_DIR written after each committed batch: an interrupted
rotation resumes where it stopped when run again. A row already on the target key is left alone, so a
batch redone after a crash between commit and checkpoint changes nothing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import audit, crypto
from core.fields import encrypted_fields

CHECKPOINT_NAME = "rotate_keys.checkpoint.json"

RESUMING_MESSAGE = _("继续上次中断的密钥轮换（目标密钥 {target}）。")
RESUME_CONFLICT_MESSAGE = _("上次密钥轮换（目标密钥 {target}）尚未完成，请先不带 --key-id 再次运行以完成。")
DONE_MESSAGE = _("密钥轮换完成：当前密钥 {target}，重新加密 {rows} 个字段值。")
RETIRE_ACTIVE_MESSAGE = _("不能停用当前使用中的密钥 {kid}。")
RETIRE_UNKNOWN_MESSAGE = _("密钥环中没有密钥 {kid}。")
RETIRE_IN_USE_MESSAGE = _("密钥 {kid} 仍被 {count} 个字段值使用，请先完成密钥轮换。")
RETIRE_DURING_ROTATION_MESSAGE = _("密钥轮换尚未完成，暂不能停用旧密钥。")
RETIRED_MESSAGE = _("已停用密钥 {kid}。")
BACKUP_KEY_MESSAGE = _("新的备份密钥 {kid} 已启用；旧备份密钥保留，用于恢复旧备份。")


def checkpoint_path() -> Path:
    return Path(settings.VAR_DIR) / CHECKPOINT_NAME


def _after_batch(label: str, last_pk: Any) -> None:
    """Called after each committed batch and its checkpoint (tests interrupt here)."""


def encrypted_models() -> list[tuple[type[models.Model], list[Any]]]:
    found = [(m, encrypted_fields(m)) for m in apps.get_models() if not m._meta.proxy]
    return sorted([(m, fs) for m, fs in found if fs], key=lambda mf: mf[0]._meta.label_lower)


def rows_using_key(kid: str) -> int:
    qn = connection.ops.quote_name
    total = 0
    with connection.cursor() as cur:
        for model, fields in encrypted_models():
            where = " OR ".join(f"{qn(f.column)} LIKE %s" for f in fields)
            cur.execute(
                f"SELECT COUNT(*) FROM {qn(model._meta.db_table)} WHERE {where}",  # noqa: S608
                [f"{crypto.FORMAT_VERSION}:{kid}:%"] * len(fields),
            )
            total += cur.fetchone()[0]
    return total


class Command(BaseCommand):
    help = "Re-encrypt personal information under a new key (resumable); --retire an old key."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--key-id", help="the key to make active (created when not in the ring)")
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument("--retire", metavar="OLD", help="remove key OLD from the ring (no rotation)")
        parser.add_argument("--backup-key", action="store_true", help="add a new active backup key")

    def handle(self, *args: Any, **options: Any) -> None:
        with audit.acting_as(None, source="command"):
            try:
                if options["backup_key"]:
                    self.new_backup_key()
                elif options["retire"]:
                    self.retire(options["retire"])
                else:
                    self.rotate(options["key_id"], max(1, options["batch_size"]))
            except ImproperlyConfigured as exc:
                raise CommandError(str(exc)) from None

    # --- rotation ---------------------------------------------------------------------------

    def rotate(self, key_id: str | None, batch_size: int) -> None:
        path = checkpoint_path()
        if path.exists():
            state = json.loads(path.read_text("utf-8"))
            if key_id and key_id != state["target"]:
                raise CommandError(RESUME_CONFLICT_MESSAGE.format(target=state["target"]))
            self.stdout.write(RESUMING_MESSAGE.format(target=state["target"]))
        else:
            ring = crypto.keyring()
            target = key_id or ring.next_key_id("k")
            if not crypto.KEY_ID_RE.match(target):
                raise CommandError(f"bad key id {target!r}")
            state = {
                "target": target,
                "started_at": timezone.now().isoformat(),
                "done": [],
                "last_pk": {},
                "rows": 0,
            }
            # The checkpoint first, then the ring: new writes use the new key from now on.
            self._save(path, state)
            if target not in ring.keys:
                ring.keys[target] = crypto.AESGCM.generate_key(bit_length=256)
            ring.active = target
            crypto.save_keyring(ring)
            audit.record("key_rotation_start", object_type="core.keyring", object_id=target)
        target = state["target"]
        ring = crypto.keyring()
        if ring.active != target or target not in ring.keys:
            raise CommandError(f"key ring does not hold the active key {target!r}; restore the key file")
        for model, fields in encrypted_models():
            label = model._meta.label_lower
            if label in state["done"]:
                continue
            self._rotate_model(model, fields, target, batch_size, state, path)
            state["done"].append(label)
            self._save(path, state)
        audit.record(
            "key_rotation_done",
            object_type="core.keyring",
            object_id=target,
            changes={"rows": state["rows"], "models": state["done"]},
        )
        path.unlink()
        self.stdout.write(DONE_MESSAGE.format(target=target, rows=state["rows"]))

    def _rotate_model(
        self,
        model: type[models.Model],
        fields: list[Any],
        target: str,
        batch_size: int,
        state: dict,
        path: Path,
    ) -> None:
        qn = connection.ops.quote_name
        label = model._meta.label_lower
        table, pk_col = model._meta.db_table, str(model._meta.pk.column)  # type: ignore[union-attr]
        cols = ", ".join(qn(f.column) for f in fields)
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        prefix = f"{crypto.FORMAT_VERSION}:{target}:"
        while True:
            last_pk = state["last_pk"].get(label)
            changed = 0
            with transaction.atomic(), connection.cursor() as cur:
                where, params = (f"WHERE {qn(pk_col)} > %s", [last_pk]) if last_pk is not None else ("", [])
                cur.execute(
                    f"SELECT {qn(pk_col)}, {cols} FROM {qn(table)} {where} "  # noqa: S608
                    f"ORDER BY {qn(pk_col)} LIMIT %s{lock}",
                    [*params, batch_size],
                )
                rows = cur.fetchall()
                if not rows:
                    return
                for pk, *values in rows:
                    sets, new_values = [], []
                    for field, value in zip(fields, values, strict=True):
                        if not value or value.startswith(prefix):
                            continue
                        aad = field.aad()
                        sets.append(f"{qn(field.column)} = %s")
                        new_values.append(
                            crypto.encrypt(crypto.decrypt(value, aad=aad), aad=aad, key_id=target)
                        )
                    if sets:
                        cur.execute(
                            f"UPDATE {qn(table)} SET {', '.join(sets)} WHERE {qn(pk_col)} = %s",  # noqa: S608
                            [*new_values, pk],
                        )
                        changed += len(sets)
            state["last_pk"][label] = rows[-1][0]
            state["rows"] += changed
            self._save(path, state)
            _after_batch(label, rows[-1][0])

    @staticmethod
    def _save(path: Path, state: dict) -> None:
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(state), "utf-8")
        tmp.replace(path)

    # --- retiring and backup keys -------------------------------------------------------------

    def retire(self, kid: str) -> None:
        if checkpoint_path().exists():
            raise CommandError(RETIRE_DURING_ROTATION_MESSAGE)
        ring = crypto.keyring()
        if kid not in ring.keys:
            raise CommandError(RETIRE_UNKNOWN_MESSAGE.format(kid=kid))
        if kid == ring.active:
            raise CommandError(RETIRE_ACTIVE_MESSAGE.format(kid=kid))
        count = rows_using_key(kid)
        if count:
            raise CommandError(RETIRE_IN_USE_MESSAGE.format(kid=kid, count=count))
        del ring.keys[kid]
        crypto.save_keyring(ring)
        audit.record("key_retired", object_type="core.keyring", object_id=kid)
        self.stdout.write(RETIRED_MESSAGE.format(kid=kid))

    def new_backup_key(self) -> None:
        ring = crypto.keyring()
        kid = ring.next_key_id("b")
        ring.backup_keys[kid] = crypto.AESGCM.generate_key(bit_length=256)
        ring.backup_active = kid
        crypto.save_keyring(ring)
        audit.record("backup_key_rotation", object_type="core.keyring", object_id=kid)
        self.stdout.write(BACKUP_KEY_MESSAGE.format(kid=kid))
