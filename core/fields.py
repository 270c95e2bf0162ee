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
from django.db.models.query_utils import DeferredAttribute
from django.utils.translation import gettext_lazy as _

from core import crypto

LOOKUP_REFUSED_MESSAGE = _("加密字段不能按内容查询：请使用对应的哈希检索（如 by_phone）。")


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


class Sealed:
    """A confidential value as loaded: its ciphertext, decrypted only inside a declared read."""

    __slots__ = ("plain", "token")

    def __init__(self, token: str) -> None:
        self.token = token
        self.plain: str | None = None

    def __str__(self) -> str:
        return "***"

    __repr__ = __str__


def raw_value(obj: models.Model, attname: str) -> Any:
    """A field's value as stored on the instance, without the confidential descriptor's check."""
    return obj.__dict__.get(attname)


class ConfidentialAttribute(DeferredAttribute):
    """Reading a sealed value needs a declared read (core.confidential.reading), which is audited."""

    def __get__(self, instance: Any, cls: Any = None) -> Any:
        if instance is None:
            return self
        value = super().__get__(instance, cls)
        if isinstance(value, Sealed):
            from core.confidential import note_decryption

            note_decryption(instance, self.field.name)
            if value.plain is None:
                value.plain = crypto.decrypt(value.token, aad=self.field.aad())  # type: ignore[attr-defined]
            return value.plain
        return value

    # A data descriptor (it has __set__), so that it is consulted before the instance's __dict__.
    def __set__(self, instance: Any, value: Any) -> None:
        instance.__dict__[self.field.attname] = value


class ConfidentialMixin(EncryptedMixin):
    """Encrypted at rest like EncryptedMixin, and loaded sealed (core.confidential)."""

    confidential = True
    descriptor_class = ConfidentialAttribute

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        return Sealed(value)

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        return raw_value(model_instance, self.attname)  # type: ignore[attr-defined]

    def get_db_prep_save(self, value: Any, connection: Any) -> Any:
        if isinstance(value, Sealed):
            return value.token  # unchanged: the stored ciphertext as it was
        return super().get_db_prep_save(value, connection)


class EncryptedCharField(EncryptedMixin, models.CharField):
    """A short piece of personal information (phone number, ID number), encrypted at rest."""


class EncryptedTextField(EncryptedMixin, models.TextField):
    """A long piece of personal information, encrypted at rest."""


class ConfidentialCharField(ConfidentialMixin, models.CharField):  # type: ignore[misc]
    """A short confidential value (a caller's name or phone), encrypted and sealed (core.confidential)."""


class ConfidentialTextField(ConfidentialMixin, models.TextField):  # type: ignore[misc]
    """A long confidential value (a case narrative), encrypted and sealed (core.confidential)."""


class DerivedCharField(models.CharField):
    """A column computed from another field (`source`) on every save; not editable, indexed."""

    derived_defaults: dict[str, Any] = {"max_length": 64}
    # Its database value is the derived text as it is (core.dbinsert passes it without preparation).
    plain_db_value = True

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

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        if isinstance(raw_value(model_instance, self.source), Sealed):
            # A confidential source that was not changed: its hash stays as stored.
            return str(getattr(model_instance, self.attname))
        return super().pre_save(model_instance, add)


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
