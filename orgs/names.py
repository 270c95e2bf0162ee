"""The one rule for how a unit's name is written, so that the same unit is never registered twice.

Clerks type and paste names with full-width spaces, spaces between characters ("区 妇 幼 保健院") and
trailing blanks; all of them mean the same unit. Chinese is written without spaces, so a space next to a
Chinese character (or full-width punctuation) goes; runs of spaces between Latin words or digits become
one ("区 IT 服务中心" → "区IT服务中心", "Shenzhen  Bay Office" → "Shenzhen Bay Office"). Every write of a
unit's name (orgs.services, the ledger import) goes through `normalize_unit_name`.
"""

from __future__ import annotations

import re

# CJK ideographs, radicals, CJK symbols and punctuation, full-width forms.
_CJK = "\u2e80-\u2fdf\u3001-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
_SPACE_NEXT_TO_CJK = re.compile(rf"\s+(?=[{_CJK}])|(?<=[{_CJK}])\s+")


def normalize_unit_name(name: str) -> str:
    """The name as the platform stores and compares it (see the module docstring)."""
    collapsed = " ".join(name.split())  # str.split() knows the full-width space U+3000 too
    return _SPACE_NEXT_TO_CJK.sub("", collapsed)
