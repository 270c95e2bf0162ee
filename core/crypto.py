"""Encryption of personal information at rest: the key ring, AES-GCM values and keyed hashes.

Keys live outside the database and outside SECRET_KEY: in the JSON file `settings.JINGUO_KEYS_FILE`
(mode 0600) or in the environment variable JINGUO_KEYS (same JSON)::

    {"active": "k2", "keys": {"k1": "<base64 32 bytes>", "k2": "..."},
     "hmac_key": "<base64 32 bytes>",
     "backup_active": "b1", "backup_keys": {"b1": "..."}}

A stored value reads ``v1:<key id>:<base64(nonce || ciphertext+tag)>``; the associated data binds it
to its table and column, so a value copied into another column or table does not decrypt. Anything
that does not decrypt raises DecryptionError: ciphertext is never shown as if it were the value.

In development and tests (`JINGUO_KEYS_AUTOCREATE`, on in base settings) a missing key file is
generated on first use; in production a missing key ring is ImproperlyConfigured.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import logging
import os
import re
import secrets
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger("jinguo.crypto")

FORMAT_VERSION = "v1"
NONCE_BYTES = 12
KEY_BYTES = 32
KEY_ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")

DECRYPTION_FAILED_MESSAGE = _("加密数据无法解密：密钥缺失或数据已被篡改。")
# The key ring is read while settings load, before the translation catalogues can be: these three stay as
# written (an operator's message, in the source language).
KEYS_MISSING_MESSAGE = "未配置个人信息加密密钥：请设置 JINGUO_KEYS 环境变量或提供 JINGUO_KEYS_FILE 密钥文件。"
KEYS_INVALID_MESSAGE = "个人信息加密密钥配置无效：{reason}"
KEY_RING_READ_ONLY_MESSAGE = "密钥来自环境变量 JINGUO_KEYS，无法在此修改；请更新密钥文件或环境变量。"


class DecryptionError(Exception):
    """A value could not be decrypted: unknown key id, wrong key, tampered or malformed data."""

    def __init__(self, detail: str = "") -> None:
        super().__init__(f"{DECRYPTION_FAILED_MESSAGE} {detail}".strip())
        self.detail = detail


@dataclass
class KeyRing:
    active: str
    keys: dict[str, bytes]
    hmac_key: bytes
    backup_active: str = ""
    backup_keys: dict[str, bytes] = field(default_factory=dict)
    source: str = ""  # "file:<path>" or "env"

    @classmethod
    def from_json(cls, data: dict[str, Any], *, source: str = "") -> KeyRing:
        try:
            keys = {str(k): _b64key(v) for k, v in data["keys"].items()}
            ring = cls(
                active=str(data["active"]),
                keys=keys,
                hmac_key=_b64key(data["hmac_key"]),
                backup_active=str(data.get("backup_active", "")),
                backup_keys={str(k): _b64key(v) for k, v in data.get("backup_keys", {}).items()},
                source=source,
            )
        except (KeyError, TypeError, AttributeError, ValueError, binascii.Error) as exc:
            raise ImproperlyConfigured(
                KEYS_INVALID_MESSAGE.format(reason=f"{type(exc).__name__}: {exc}")
            ) from None
        if ring.active not in ring.keys:
            raise ImproperlyConfigured(
                KEYS_INVALID_MESSAGE.format(reason=f"active key {ring.active!r} not in keys")
            )
        if ring.backup_active and ring.backup_active not in ring.backup_keys:
            raise ImproperlyConfigured(KEYS_INVALID_MESSAGE.format(reason="backup_active not in backup_keys"))
        for kid in [*ring.keys, *ring.backup_keys]:
            if not KEY_ID_RE.match(kid):
                raise ImproperlyConfigured(KEYS_INVALID_MESSAGE.format(reason=f"bad key id {kid!r}"))
        return ring

    def to_json(self) -> dict[str, Any]:
        enc = lambda b: base64.b64encode(b).decode()  # noqa: E731
        return {
            "active": self.active,
            "keys": {k: enc(v) for k, v in self.keys.items()},
            "hmac_key": enc(self.hmac_key),
            "backup_active": self.backup_active,
            "backup_keys": {k: enc(v) for k, v in self.backup_keys.items()},
        }

    @classmethod
    def generate(cls) -> KeyRing:
        return cls(
            active="k1",
            keys={"k1": AESGCM.generate_key(bit_length=256)},
            hmac_key=secrets.token_bytes(KEY_BYTES),
            backup_active="b1",
            backup_keys={"b1": AESGCM.generate_key(bit_length=256)},
        )

    def next_key_id(self, prefix: str = "k") -> str:
        existing = self.keys if prefix == "k" else self.backup_keys
        n = 1 + max(
            (int(k[len(prefix) :]) for k in existing if k[len(prefix) :].isdigit() and k.startswith(prefix)),
            default=0,
        )
        return f"{prefix}{n}"


def _b64key(value: str) -> bytes:
    raw = base64.b64decode(value, validate=True)
    if len(raw) != KEY_BYTES:
        raise ValueError(f"key must be {KEY_BYTES} bytes, got {len(raw)}")
    return raw


_lock = threading.Lock()
_cached: KeyRing | None = None


def reset_keyring_cache(**_: Any) -> None:
    global _cached
    with _lock:
        _cached = None


def _on_setting_changed(*, setting: str, **kwargs: Any) -> None:
    if setting in ("JINGUO_KEYS_FILE", "JINGUO_KEYS_AUTOCREATE"):
        reset_keyring_cache()


setting_changed.connect(_on_setting_changed)


def keys_file() -> Path:
    return Path(settings.JINGUO_KEYS_FILE)


def keyring() -> KeyRing:
    """The key ring, loaded once per process (JINGUO_KEYS env first, then the key file)."""
    global _cached
    ring = _cached
    if ring is not None:
        return ring
    with _lock:
        if _cached is None:
            _cached = _load()
        return _cached


def _load() -> KeyRing:
    env = os.environ.get("JINGUO_KEYS")
    if env:
        try:
            return KeyRing.from_json(json.loads(env), source="env")
        except json.JSONDecodeError as exc:
            raise ImproperlyConfigured(KEYS_INVALID_MESSAGE.format(reason=f"JINGUO_KEYS: {exc}")) from None
    path = keys_file()
    if path.exists():
        return _read_file(path)
    if not getattr(settings, "JINGUO_KEYS_AUTOCREATE", False):
        raise ImproperlyConfigured(KEYS_MISSING_MESSAGE)
    ring = KeyRing.generate()
    try:
        write_keyring(ring, path, exclusive=True)
        logger.warning("Generated a new key ring for personal information at %s (development only).", path)
    except FileExistsError:
        pass  # another process created it first: use theirs
    return _read_file(path)


def _read_file(path: Path) -> KeyRing:
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        logger.warning("Key file %s is readable by others (mode %o); it should be 0600.", path, mode)
    try:
        data = json.loads(path.read_text("utf-8"))
    except json.JSONDecodeError as exc:
        raise ImproperlyConfigured(KEYS_INVALID_MESSAGE.format(reason=f"{path}: {exc}")) from None
    return KeyRing.from_json(data, source=f"file:{path}")


def write_keyring(ring: KeyRing, path: Path | None = None, *, exclusive: bool = False) -> None:
    """Write the key ring with mode 0600, atomically (temp file + rename) unless `exclusive`."""
    path = path or keys_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = json.dumps(ring.to_json(), indent=2).encode()
    if exclusive:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
        return
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(payload)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def save_keyring(ring: KeyRing) -> None:
    """Persist a changed key ring to the key file (not possible when it came from JINGUO_KEYS)."""
    if ring.source == "env":
        raise ImproperlyConfigured(KEY_RING_READ_ONLY_MESSAGE)
    write_keyring(ring)
    reset_keyring_cache()


# --- values ---------------------------------------------------------------------------------------


def associated_data(table: str, column: str) -> bytes:
    return f"jinguo:{FORMAT_VERSION}:{table}.{column}".encode()


def encrypt(plaintext: str, *, aad: bytes, key_id: str | None = None, ring: KeyRing | None = None) -> str:
    ring = ring or keyring()
    kid = key_id or ring.active
    nonce = secrets.token_bytes(NONCE_BYTES)
    ct = AESGCM(ring.keys[kid]).encrypt(nonce, plaintext.encode("utf-8"), aad)
    return f"{FORMAT_VERSION}:{kid}:{base64.b64encode(nonce + ct).decode()}"


def key_id_of(token: str) -> str:
    parts = token.split(":", 2)
    if len(parts) != 3 or parts[0] != FORMAT_VERSION:
        raise DecryptionError("malformed value")
    return parts[1]


def is_encrypted(token: str) -> bool:
    return token.startswith(f"{FORMAT_VERSION}:") and token.count(":") >= 2


def decrypt(token: str, *, aad: bytes, ring: KeyRing | None = None) -> str:
    ring = ring or keyring()
    kid = key_id_of(token)
    key = ring.keys.get(kid)
    if key is None:
        raise DecryptionError(f"unknown key id {kid!r}")
    try:
        raw = base64.b64decode(token.split(":", 2)[2], validate=True)
    except (binascii.Error, ValueError):
        raise DecryptionError("malformed value") from None
    if len(raw) < NONCE_BYTES + 16:
        raise DecryptionError("malformed value")
    try:
        return AESGCM(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], aad).decode("utf-8")
    except InvalidTag:
        raise DecryptionError(f"authentication failed (key {kid!r})") from None


# --- keyed hashes for searching -----------------------------------------------------------------

_STRIP = re.compile(r"[\s\-‐-―－]+")


def normalise(value: str) -> str:
    """Spaces and dashes removed, upper case (the X of an ID number)."""
    return _STRIP.sub("", value).upper()


def blind_index(value: str, *, kind: str, ring: KeyRing | None = None) -> str:
    """HMAC-SHA256 of the normalised value, separated per kind ("phone", "id_number")."""
    ring = ring or keyring()
    return hmac.new(ring.hmac_key, f"{kind}\x00{normalise(value)}".encode(), hashlib.sha256).hexdigest()
