"""Sorting Chinese names the way clerks expect: by pinyin (拼音顺序), not by code point."""

from __future__ import annotations

from pypinyin import Style, lazy_pinyin


def pinyin_key(text: str) -> str:
    """`区教育局` -> `qu jiao yu ju`; characters without pinyin are kept as they are."""
    return " ".join(lazy_pinyin(text.strip(), style=Style.NORMAL, errors="default")).lower()[:200]
