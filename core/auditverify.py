"""Checking the audit log's hash chain (core.auditchain seals it): every gap, altered, forged or stray
event and every anchor whose seal fails is a problem of the report.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core import audit
from core.auditchain import ANCHOR_FIELDS, GENESIS, SEALED_FIELDS, anchor_mac, chain_key, event_mac, link
from core.auditmodels import AuditAnchor, AuditEvent

MISSING = "missing"
ALTERED = "altered"
STRAY = "stray"
ANCHOR = "anchor"

MISSING_ONE = _("第 {first} 条记录缺失：已被删除。")
MISSING_RANGE = _("第 {first} 至 {last} 条记录缺失（共 {count} 条）：已被删除。")
ALTERED_MESSAGE = _("第 {seq} 条记录（编号 {id}）校验值不符：已被修改或伪造。")
STRAY_MESSAGE = _("第 {seq} 条记录（编号 {id}）位于已清理的范围内（已清理至第 {anchor} 条），不应存在。")
ANCHOR_MESSAGE = _("清理记录（已清理至第 {seq} 条）校验值不符：已被修改或伪造，不予采用。")
OK_MESSAGE = _("审计日志校验通过：共 {count} 条记录（第 {first} 至 {last} 条），未发现缺失或篡改。")
OK_EMPTY_MESSAGE = _("审计日志校验通过：尚无记录。")
PURGED_NOTE = _("第 {seq} 条及之前的记录已于 {at} 按规定清理（清理 {before} 之前的记录）。")
FAILED_MESSAGE = _("审计日志校验未通过：共检查 {count} 条记录，发现 {problems} 处问题。")
TAIL_NOTE = _(
    "说明：校验能发现任何被修改、伪造的记录和中间被删除的记录；最新的记录若被整段删除，"
    "须与此前校验时的最后一条记录（第 {last} 条）对照。"
)

PROBLEMS_KEPT = 1000  # problems listed in a report; all are counted


@dataclass(frozen=True)
class Problem:
    kind: str  # MISSING, ALTERED, STRAY, ANCHOR
    first: int  # the seq (of the first event of a missing range, of the anchor)
    last: int
    event_id: int | None = None
    anchor: int | None = None

    @property
    def message(self) -> str:
        if self.kind == MISSING:
            if self.first == self.last:
                return str(MISSING_ONE).format(first=self.first)
            return str(MISSING_RANGE).format(first=self.first, last=self.last, count=self.last - self.first + 1)
        if self.kind == ALTERED:
            return str(ALTERED_MESSAGE).format(seq=self.first, id=self.event_id)
        if self.kind == STRAY:
            return str(STRAY_MESSAGE).format(seq=self.first, id=self.event_id, anchor=self.anchor)
        return str(ANCHOR_MESSAGE).format(seq=self.first)


@dataclass
class Report:
    checked: int = 0
    first: int | None = None  # the seq of the oldest event checked
    last: int | None = None  # … and of the newest
    anchor: dict[str, Any] | None = None  # the purge the walk started from
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    def add(self, problem: Problem) -> None:
        self.problem_count += 1
        if len(self.problems) < PROBLEMS_KEPT:
            self.problems.append(problem)

    @property
    def summary(self) -> str:
        if not self.ok:
            return str(FAILED_MESSAGE).format(count=self.checked, problems=self.problem_count)
        if self.checked == 0:
            return str(OK_EMPTY_MESSAGE)
        return str(OK_MESSAGE).format(count=self.checked, first=self.first, last=self.last)

    @property
    def purged_note(self) -> str:
        if self.anchor is None:
            return ""
        from django.utils import timezone

        at = timezone.localtime(self.anchor["at"]).strftime("%Y-%m-%d %H:%M")
        return str(PURGED_NOTE).format(seq=self.anchor["seq"], at=at, before=self.anchor["purged_before"])

    @property
    def tail_note(self) -> str:
        return str(TAIL_NOTE).format(last=self.last if self.last is not None else 0)

    @property
    def more(self) -> int:
        return self.problem_count - len(self.problems)

    def lines(self) -> list[str]:
        """What the command prints: every problem listed, then the summary."""
        out = [p.message for p in self.problems]
        if self.more:
            out.append(ngettext("……另有 %(n)d 处问题未列出。", "……另有 %(n)d 处问题未列出。", self.more) % {"n": self.more})
        if self.purged_note:
            out.append(self.purged_note)
        out.append(self.summary)
        return out


def _anchors(using: str, key: bytes, report: Report) -> dict[str, Any] | None:
    """The newest anchor whose seal holds; every anchor whose seal fails is a problem."""
    good = None
    for anchor in AuditAnchor.objects.using(using).order_by("seq").values(*ANCHOR_FIELDS, "mac", "id"):
        if not hmac.compare_digest(anchor_mac(anchor, key), anchor["mac"] or ""):
            report.add(Problem(ANCHOR, anchor["seq"], anchor["seq"]))
        else:
            good = anchor
    return good


def _events(using: str, upto: int | None) -> Iterator[dict[str, Any]]:
    events = AuditEvent.objects.using(using).order_by("seq")
    if upto is not None:
        events = events.filter(seq__lte=upto)
    yield from events.values(*SEALED_FIELDS, "mac", "chain", "id").iterator(chunk_size=2000)


def verify(using: str = "default", *, upto: int | None = None) -> Report:
    """Walks the chain from the newest sound anchor (else from seq 1) to the newest event (or `upto`):
    every seq missing, every event whose mac or link fails, every event left inside a purged range, every
    anchor whose seal fails is a problem of the report."""
    key = chain_key()
    report = Report()
    anchor = _anchors(using, key, report)
    report.anchor = anchor
    expected_seq = (anchor["seq"] if anchor else 0) + 1
    # The chain values the next event may link to: the stored chain of the one before, and what it
    # should have been (an altered chain column then spoils one event only, not the next one too).
    previous = {anchor["chain"] if anchor else GENESIS}
    previous_bad = False
    for event in _events(using, upto):
        seq = event["seq"]
        report.checked += 1
        if seq < expected_seq:
            # Below a purge's anchor: either a forgery or an event the purge should have taken.
            sound = hmac.compare_digest(event_mac(event, key), event["mac"] or "")
            report.add(Problem(STRAY if sound else ALTERED, seq, seq, event["id"], anchor=expected_seq - 1))
            continue
        if report.first is None:
            report.first = seq
        report.last = seq
        gap = seq > expected_seq
        if gap:
            report.add(Problem(MISSING, expected_seq, seq - 1))
        stored_mac, stored_chain = event["mac"] or "", event["chain"] or ""
        sound = hmac.compare_digest(event_mac(event, key), stored_mac)
        links = set() if gap else {link(p, stored_mac, key) for p in previous}
        linked = gap or stored_chain in links
        # A sound event that does not link to a predecessor already reported (replaced by a forgery)
        # is that one's problem, not its own.
        if not sound or (not linked and not previous_bad):
            report.add(Problem(ALTERED, seq, seq, event["id"]))
        previous_bad = not (sound and linked)
        previous = {stored_chain, *links}
        expected_seq = seq + 1
    return report


def verify_and_record(using: str = "default") -> Report:
    """`verify`, then an audit event of the check with its outcome and the newest seq seen (a later
    deletion of the newest events shows against it)."""
    report = verify(using)
    audit.record(
        "audit_verify",
        object_type="core.auditevent",
        object_repr="审计日志",
        result="success" if report.ok else "failure",
        changes={"checked": report.checked, "last": report.last, "problems": report.problem_count},
        detail=report.summary[:500],
    )
    return report
