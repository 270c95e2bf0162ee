"""Sorting Chinese names the way clerks expect: by pinyin (拼音顺序), not by code point."""

from __future__ import annotations

from typing import Any

from pypinyin import Style
from pypinyin.converter import UltimateConverter
from pypinyin.core import Pinyin


class _Converter(UltimateConverter):
    """pypinyin's converter as `lazy_pinyin` makes it (no options), with the toneless form of each toned
    syllable worked out once: without options that form depends on the syllable alone (the sort keys of
    a 10,000-unit ledger spent half their time re-deriving it)."""

    def __init__(self) -> None:
        super().__init__()
        self._normal: dict[tuple[str, bool], Any] = {}

    def convert_style(self, han: str, orig_pinyin: str, style: Any, strict: bool, **kwargs: Any) -> Any:
        if style != Style.NORMAL or kwargs:
            return super().convert_style(han, orig_pinyin, style, strict, **kwargs)
        key = (orig_pinyin, strict)
        if key not in self._normal:
            self._normal[key] = super().convert_style(han, orig_pinyin, style, strict)
        return self._normal[key]


_pinyin = Pinyin(_Converter())


def pinyin_key(text: str) -> str:
    """`区教育局` -> `qu jiao yu ju`; characters without pinyin are kept as they are."""
    return " ".join(_pinyin.lazy_pinyin(text.strip(), style=Style.NORMAL, errors="default")).lower()[:200]
