"""A document's body split into numbered sections by its headings (pure: no Django, no ORM).

Chinese official documents mark their parts in a few customary ways; the highest level that the text uses
is the one it is split by, so "第一章 总则" chapters are not split again at "一、" inside them:

    第一章 总则 / 第一部分 …      chapters or parts
    一、总体要求                   Chinese numerals with 、
    （一）工作目标                 Chinese numerals in brackets
    1. 组织组建 / 1、组织组建       Arabic numerals (short lines only: a numbered sentence is no heading)
    # 标题                         Markdown headings

Text before the first heading becomes the first section (a preamble), untitled unless its first line is a
preamble's title alone ("前言", "说明"). Numbers run from 1.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CN_NUM = "一二三四五六七八九十百零〇两"
# In order of level: the first that matches a line of the text decides how the text is split.
HEADING_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(rf"^第[{CN_NUM}\d]+[章部篇编]分?(?:\s|$|[、：:])"),
    re.compile(rf"^[{CN_NUM}]+、"),
    re.compile(rf"^[（(][{CN_NUM}]+[）)]"),
    re.compile(r"^\d{1,2}(?:[.．、](?!\d))\s*\S"),
    re.compile(r"^#{1,3}\s+\S"),
)
# A line longer than this is a paragraph even if it starts like a heading.
MAX_HEADING_CHARS = 40
# A preamble's own title line, when it opens the text alone.
PREAMBLE_HEADINGS = frozenset({"前言", "说明", "引言", "序言", "导言", "编写说明"})


@dataclass(frozen=True)
class Section:
    """One numbered section: its heading line (empty for a preamble) and the text under it."""

    number: int
    heading: str
    text: str


def _is_heading(line: str, pattern: re.Pattern[str]) -> bool:
    return len(line) <= MAX_HEADING_CHARS and bool(pattern.match(line))


def heading_pattern(lines: list[str]) -> re.Pattern[str] | None:
    """The highest heading level the text uses, or None when it has no headings."""
    for pattern in HEADING_PATTERNS:
        if any(_is_heading(line, pattern) for line in lines):
            return pattern
    return None


def split_sections(body: str) -> list[Section]:
    """The body's sections in order. A body without headings is one untitled section; an empty body none."""
    text = body.replace("\r\n", "\n").replace("\r", "\n")
    lines = [line.strip() for line in text.split("\n")]
    pattern = heading_pattern([line for line in lines if line])
    parts: list[tuple[str, list[str]]] = []
    heading, buffer = "", list[str]()
    for line in lines:
        if pattern is not None and line and _is_heading(line, pattern):
            if heading or any(buffer):
                parts.append((heading, buffer))
            heading, buffer = line.lstrip("#").strip(), []
        else:
            buffer.append(line)
    if heading or any(buffer):
        parts.append((heading, buffer))
    if parts and not parts[0][0]:
        first = [line for line in parts[0][1] if line]
        if first and first[0] in PREAMBLE_HEADINGS:
            lines_left = list(parts[0][1])
            lines_left.remove(first[0])
            parts[0] = (first[0], lines_left)
    return [Section(number=n, heading=h, text=_tidy(b)) for n, (h, b) in enumerate(parts, start=1)]


def _tidy(lines: list[str]) -> str:
    """Paragraphs as they were, without leading or trailing blank lines and runs of blank lines."""
    out: list[str] = []
    for line in lines:
        if not line and (not out or not out[-1]):
            continue
        out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)
