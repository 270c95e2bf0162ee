"""Model fields for personal information: encrypted at rest (core.crypto), searchable by keyed hash.

    phone = EncryptedCharField(_("手机号码"), max_length=32, blank=True)
    phone_hash = BlindIndexField(source="phone", kind="phone")

The encrypted column is `text` whatever `max_length` says (max_length limits the plaintext in forms).
Values are encrypted on every write (bulk_create and bulk_update included) and decrypted on load; a
value that does not decrypt raises core.crypto.DecryptionError. Empty strings and NULL stay as they are.

Only `isnull` and `=""` (empty) lookups work on encrypted columns (the ciphertext is randomised); search through the
BlindIndexField beside it (e.g. `Person.objects.by_phone(...)`). The hash is computed in
`pre_save`, so it follows `save()` and `bulk_create()`; `QuerySet.update(phone=...)` and
`save(update_fields=["phone"])` without the hash field leave the hash stale: don't.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldError
from django.db import models
from django.db.models.lookups import Exact

from core import crypto

LOOKUP_REFUSED_MESSAGE = "加密字段不能按内容查询：请使用对应的哈希检索（如 by_phone）。"


class EmptyOnlyExact(Exact):
    """`phone=""` works (empty values are stored as they are); any other value would compare ciphertext."""

    def get_prep_lookup(self) -> Any:
        if self.rhs != "":
            raise FieldError(LOOKUP_REFUSED_MESSAGE)
        return self.rhs

    def get_db_prep_lookup(self, value: Any, connection: Any) -> Any:
        return ("%s", [value])


class EncryptedMixin:
    sensitive = True
    encrypted = True

    def aad(self) -> bytes:
        field: Any = self
        return crypto.associated_data(field.model._meta.db_table, field.column)

    def get_internal_type(self) -> str:
        return "TextField"

    def db_type(self, connection: Any) -> str | None:
        return models.TextField().db_type(connection)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        return crypto.decrypt(value, aad=self.aad())

    def get_db_prep_save(self, value: Any, connection: Any) -> Any:
        value = super().get_db_prep_save(value, connection)  # type: ignore[misc]
        if value is None or value == "" or hasattr(value, "as_sql"):  # expressions encrypt their Values
            return value
        return crypto.encrypt(str(value), aad=self.aad())

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name == "exact":
            return EmptyOnlyExact
        if lookup_name != "isnull":
            raise FieldError(f"{LOOKUP_REFUSED_MESSAGE} ({getattr(self, 'name', '')}__{lookup_name})")
        return super().get_lookup(lookup_name)  # type: ignore[misc]

    def get_transform(self, lookup_name: str) -> Any:
        raise FieldError(f"{LOOKUP_REFUSED_MESSAGE} ({getattr(self, 'name', '')}__{lookup_name})")


class EncryptedCharField(EncryptedMixin, models.CharField):
    """A short piece of personal information (phone number, ID number), encrypted at rest."""


class EncryptedTextField(EncryptedMixin, models.TextField):
    """A long piece of personal information (a case narrative), encrypted at rest."""


class DerivedCharField(models.CharField):
    """A column computed from another field (`source`) on every save; not editable, indexed."""

    derived_defaults: dict[str, Any] = {"max_length": 64}

    def __init__(self, *args: Any, source: str, **kwargs: Any) -> None:
        self.source = source
        for key, default in self._defaults().items():
            kwargs.setdefault(key, default)
        super().__init__(*args, **kwargs)

    def _defaults(self) -> dict[str, Any]:
        return {"editable": False, "blank": True, "default": "", "db_index": True, **self.derived_defaults}

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        for key, default in self._defaults().items():
            if kwargs.get(key, default) == default:
                kwargs.pop(key, None)
        return name, path, args, kwargs

    def derive(self, value: Any) -> str:
        raise NotImplementedError

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        value = self.derive(getattr(model_instance, self.source))
        setattr(model_instance, self.attname, value)
        return value


class BlindIndexField(DerivedCharField):
    """The keyed hash (HMAC-SHA256, hex) of another field's normalised value, kept up to date on save.

    Empty source -> empty hash. Indexed; not editable; not sensitive by itself (it reveals equality
    only, to whoever holds the hmac key).
    """

    def __init__(self, *args: Any, source: str, kind: str, **kwargs: Any) -> None:
        self.kind = kind
        super().__init__(*args, source=source, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["kind"] = self.kind
        return name, path, args, kwargs

    def derive(self, value: Any) -> str:
        return crypto.blind_index(value, kind=self.kind) if value else ""


def encrypted_fields(model: type[models.Model]) -> list[Any]:
    """The encrypted concrete fields of `model` (EncryptedCharField / EncryptedTextField)."""
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedMixin)]


class PinyinSortField(DerivedCharField):
    """The pinyin of another field (`source`), kept up to date on every save, for 拼音 ordering."""

    derived_defaults = {"max_length": 200}

    def __init__(self, *args: Any, source: str = "name", **kwargs: Any) -> None:
        super().__init__(*args, source=source, **kwargs)

    def derive(self, value: Any) -> str:
        from core.textsort import pinyin_key

        return pinyin_key(str(value or ""))
