"""Scoring of the quantified evaluation form (量化评估表). Pure: no ORM, no requests.

Facts in, a result out. Each item names a rule kind from a closed set (`RuleKind`) with its parameters;
`score_item` turns the rule and the facts of one unit (or the unit's answer, for self items) into a
`Result`: the score, the actual and expected values, one sentence that says how it was computed
("3 个缺位中 2 个在 90 天内补齐"), the date it is as of, the rule and template version, and the records it
counted. A result never says "met" where its own check says otherwise; data that no installed app
provides are "unavailable" (not scored, left out of the total), never zero.

Rules, made precise:

* committee_formed: full points when the unit had a committee active on `as_of`, else 0.
* terms_on_time: 0 while the current term is overdue (超期服役: due before `as_of`, no successor, past
  the grace days); else full points when the last re-election judged in the period (a term due in
  [start, as_of]) was on time or none was due; `late_share` of the points when it was late.
* vacancies_filled: the vacancies open at some time in [start, as_of] that are judged (filled, or open
  past their deadline by `as_of`); each filled within the deadline counts 1, each filled late counts
  `late_credit`, each still open past its deadline 0; score = points x credits / judged. None judged:
  full points. Open ones within their deadline are pending and said so.
* metric kinds (lectures, volunteer hours): points x min(1, value / target).
* executive_records: points x active / total of the unit's executives in office; none in office: N/A.
* highlights: half the points for submitted against `target`, half for published against `published`.
* self kinds: yes_no, count (against `target`), graded (`choices`: [[label, share], ...]), document (at
  least one piece of evidence). With `evidence_required`, an answer without evidence scores 0 and says so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from committees.rules import filled_in_time, judge_term, left_out_of_reelection_rate, vacancy_deadline
from core.metrics import EvidenceLink, Measurement


class RuleKind(StrEnum):
    COMMITTEE_FORMED = "committee_formed"
    TERMS_ON_TIME = "terms_on_time"
    VACANCIES_FILLED = "vacancies_filled"
    LECTURES = "lectures"
    VOLUNTEER_HOURS = "volunteer_hours"
    EXECUTIVE_RECORDS = "executive_records"
    HIGHLIGHTS = "highlights"
    YES_NO = "yes_no"
    COUNT = "count"
    GRADED = "graded"
    DOCUMENT = "document"


AUTO_KINDS: frozenset[RuleKind] = frozenset(
    {
        RuleKind.COMMITTEE_FORMED,
        RuleKind.TERMS_ON_TIME,
        RuleKind.VACANCIES_FILLED,
        RuleKind.LECTURES,
        RuleKind.VOLUNTEER_HOURS,
        RuleKind.EXECUTIVE_RECORDS,
        RuleKind.HIGHLIGHTS,
    }
)
SELF_KINDS: frozenset[RuleKind] = frozenset(set(RuleKind) - AUTO_KINDS)

KIND_LABELS: dict[RuleKind, Any] = {
    RuleKind.COMMITTEE_FORMED: gettext_lazy("自动：妇委会已组建"),
    RuleKind.TERMS_ON_TIME: gettext_lazy("自动：无超期服役，最近一次按时换届"),
    RuleKind.VACANCIES_FILLED: gettext_lazy("自动：缺位在期限内补齐"),
    RuleKind.LECTURES: gettext_lazy("自动：主办或参加的讲座"),
    RuleKind.VOLUNTEER_HOURS: gettext_lazy("自动：本单位志愿者服务时长"),
    RuleKind.EXECUTIVE_RECORDS: gettext_lazy("自动：本单位执委履职记录"),
    RuleKind.HIGHLIGHTS: gettext_lazy("自动：亮点报送与发布"),
    RuleKind.YES_NO: gettext_lazy("自评：是/否"),
    RuleKind.COUNT: gettext_lazy("自评：数量对照目标"),
    RuleKind.GRADED: gettext_lazy("自评：分档选择"),
    RuleKind.DOCUMENT: gettext_lazy("自评：提交文件"),
}

# Each kind's parameters and their defaults (a template item's parameters are checked against these).
DEFAULT_PARAMS: dict[RuleKind, dict[str, Any]] = {
    RuleKind.COMMITTEE_FORMED: {},
    RuleKind.TERMS_ON_TIME: {"late_share": "0.5"},
    RuleKind.VACANCIES_FILLED: {"late_credit": "0.5"},
    RuleKind.LECTURES: {"target": 4},
    RuleKind.VOLUNTEER_HOURS: {"target": 20},
    RuleKind.EXECUTIVE_RECORDS: {},
    RuleKind.HIGHLIGHTS: {"target": 2, "published": 1},
    RuleKind.YES_NO: {},
    RuleKind.COUNT: {"target": 4},
    RuleKind.GRADED: {"choices": [["完善", "1"], ["基本完善", "0.6"], ["不完善", "0"]]},
    RuleKind.DOCUMENT: {},
}

# The metric (core.metrics) behind each metric-scored kind.
METRIC_OF: dict[RuleKind, str] = {
    RuleKind.LECTURES: "lectures.hosted_or_attended",
    RuleKind.VOLUNTEER_HOURS: "lectures.volunteer_hours",
}
EXECUTIVE_METRICS = ("duties.executives_active", "duties.executives_total", "duties.executive_records")

ZERO = Decimal("0")
CENT = Decimal("0.1")


class Status(StrEnum):
    SCORED = "scored"
    UNAVAILABLE = "unavailable"  # its data come from an app that is not installed
    NOT_APPLICABLE = "na"
    UNANSWERED = "unanswered"


class ParamError(ValueError):
    """A template item's parameters do not fit its kind."""


def params_for(kind: RuleKind | str, given: Mapping[str, Any] | None) -> dict[str, Any]:
    """The kind's defaults overlaid with `given`, checked: unknown names and bad values raise ParamError."""
    kind = RuleKind(kind)
    defaults = DEFAULT_PARAMS[kind]
    given = dict(given or {})
    unknown = set(given) - set(defaults)
    if unknown:
        raise ParamError(_("未知参数 %(names)s") % {"names": ", ".join(sorted(unknown))})
    out = {**defaults, **given}
    for name in ("target", "published"):
        if name in out:
            try:
                value = Decimal(str(out[name]))
            except ArithmeticError:
                raise ParamError(_("%(name)s 须为数字") % {"name": name}) from None
            if value <= 0:
                raise ParamError(_("%(name)s 须为正数") % {"name": name})
    for name in ("late_share", "late_credit"):
        if name in out:
            try:
                share = Decimal(str(out[name]))
            except ArithmeticError:
                raise ParamError(_("%(name)s 须为数字") % {"name": name}) from None
            if not ZERO <= share <= 1:
                raise ParamError(_("%(name)s 须在 0 到 1 之间") % {"name": name})
    if "choices" in out:
        choices = out["choices"]
        if not isinstance(choices, list) or not choices:
            raise ParamError(_("choices 须为非空列表"))
        for choice in choices:
            if not (isinstance(choice, (list, tuple)) and len(choice) == 2 and str(choice[0]).strip()):
                raise ParamError(_("choices 的每一项为 [名称, 得分率]"))
            try:
                share = Decimal(str(choice[1]))
            except ArithmeticError:
                raise ParamError(_("choices 的得分率须为数字")) from None
            if not ZERO <= share <= 1:
                raise ParamError(_("choices 的得分率须在 0 到 1 之间"))
    return out


@dataclass(frozen=True)
class Rule:
    """One item's rule: its kind, points, parameters and evidence requirements."""

    kind: RuleKind
    points: Decimal
    params: Mapping[str, Any] = field(default_factory=dict)
    evidence_required: bool = False
    na_allowed: bool = False

    @property
    def automatic(self) -> bool:
        return self.kind in AUTO_KINDS


@dataclass(frozen=True)
class TermFact:
    number: int
    started_on: dt.date
    due_on: dt.date
    successor_started_on: dt.date | None
    committee_dissolved_on: dt.date | None = None


@dataclass(frozen=True)
class VacancyFact:
    post: str
    vacated_on: dt.date
    filled_on: dt.date | None


@dataclass(frozen=True)
class UnitFacts:
    """What the automatic items of one unit are computed from, for the period [start, as_of]."""

    start: dt.date
    as_of: dt.date
    requires_committee: bool = True
    # (formed_on, dissolved_on) of each committee of the unit
    committees: Sequence[tuple[dt.date, dt.date | None]] = ()
    terms: Sequence[TermFact] = ()
    vacancies: Sequence[VacancyFact] = ()
    fill_days: int = 90
    grace_days: int = 0
    # metric name -> measurement, None when no installed app provides it (core.metrics.measure)
    metrics: Mapping[str, Measurement | None] = field(default_factory=dict)
    highlights_submitted: int = 0
    highlights_published: int = 0
    # Links to the records behind the committee items (the unit's history page) and the highlights.
    committee_links: Sequence[EvidenceLink] = ()
    highlight_links: Sequence[EvidenceLink] = ()


@dataclass(frozen=True)
class Answer:
    """A unit's answer to a self item: yes/no, a count, a choice's index; and what it attached."""

    value: Any = None
    not_applicable: bool = False
    na_reason: str = ""
    evidence_count: int = 0


@dataclass(frozen=True)
class Result:
    status: Status
    score: Decimal | None
    max_score: Decimal
    actual: str
    expected: str
    sentence: str
    as_of: dt.date | None
    kind: RuleKind
    template_version: int
    evidence: tuple[EvidenceLink, ...] = ()

    @property
    def counted(self) -> bool:
        """Whether the item counts in the total (scored or unanswered; not N/A or unavailable)."""
        return self.status in (Status.SCORED, Status.UNANSWERED)

    @property
    def share(self) -> Decimal | None:
        if self.score is None or not self.max_score:
            return None
        return self.score / self.max_score

    def below(self, threshold: Decimal) -> bool:
        """Below `threshold` (a share of the points): what opens a rectification item."""
        share = self.share
        return self.counted and (share is None or share < threshold)

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": str(self.status),
            "score": None if self.score is None else str(self.score),
            "max_score": str(self.max_score),
            "actual": self.actual,
            "expected": self.expected,
            "sentence": self.sentence,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "kind": str(self.kind),
            "template_version": self.template_version,
            "evidence": [[e.label, e.url] for e in self.evidence],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Result:
        return cls(
            status=Status(data["status"]),
            score=None if data["score"] is None else Decimal(data["score"]),
            max_score=Decimal(data["max_score"]),
            actual=data["actual"],
            expected=data["expected"],
            sentence=data["sentence"],
            as_of=dt.date.fromisoformat(data["as_of"]) if data["as_of"] else None,
            kind=RuleKind(data["kind"]),
            template_version=int(data["template_version"]),
            evidence=tuple(EvidenceLink(label, url) for label, url in data.get("evidence", [])),
        )


def _round(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _num(value: Decimal) -> str:
    """A number for a sentence: 12, 12.5 (no trailing zeros)."""
    text = format(value.normalize(), "f")
    return text


def _share_of(points: Decimal, value: Decimal, target: Decimal) -> Decimal:
    if target <= 0:
        return points
    return _round(points * min(Decimal(1), value / target))


class _Scorer:
    def __init__(self, rule: Rule, version: int, as_of: dt.date | None):
        self.rule = rule
        self.params = params_for(rule.kind, rule.params)
        self.version = version
        self.as_of = as_of

    def result(
        self,
        status: Status,
        score: Decimal | None,
        actual: str,
        expected: str,
        sentence: str,
        evidence: Sequence[EvidenceLink] = (),
    ) -> Result:
        return Result(
            status,
            None if score is None else _round(score),
            self.rule.points,
            actual,
            expected,
            sentence,
            self.as_of,
            self.rule.kind,
            self.version,
            tuple(evidence),
        )


def score_item(
    rule: Rule, *, facts: UnitFacts | None = None, answer: Answer | None = None, template_version: int = 1
) -> Result:
    """The result of one item: automatic kinds from `facts`, self kinds from `answer`."""
    if rule.automatic:
        if facts is None:
            raise ValueError("an automatic item needs facts")
        return _AUTO[rule.kind](_Scorer(rule, template_version, facts.as_of), facts)
    scorer = _Scorer(rule, template_version, None)
    answer = answer or Answer()
    if answer.not_applicable and rule.na_allowed:
        return scorer.result(
            Status.NOT_APPLICABLE,
            None,
            _("不适用"),
            "—",
            _("不适用：%(reason)s") % {"reason": answer.na_reason or "—"},
        )
    return _score_self(scorer, answer)


# ---- automatic kinds ----------------------------------------------------------------------------------


def _committee_formed(s: _Scorer, f: UnitFacts) -> Result:
    expected = _("已组建妇委会")
    active = [c for c in f.committees if c[0] <= f.as_of and (c[1] is None or c[1] > f.as_of)]
    if active:
        formed = active[0][0]
        return s.result(
            Status.SCORED,
            s.rule.points,
            _("已组建（%(d)s）") % {"d": formed.isoformat()},
            expected,
            _("妇委会于 %(d)s 组建，截至 %(as_of)s 存续")
            % {"d": formed.isoformat(), "as_of": f.as_of.isoformat()},
            f.committee_links,
        )
    if not f.requires_committee:
        return s.result(Status.NOT_APPLICABLE, None, _("无需组建"), "—", _("本单位无需组建妇委会"))
    return s.result(
        Status.SCORED,
        ZERO,
        _("未组建"),
        expected,
        _("截至 %(as_of)s 本单位尚未组建妇委会") % {"as_of": f.as_of.isoformat()},
        f.committee_links,
    )


def _terms_on_time(s: _Scorer, f: UnitFacts) -> Result:
    expected = _("无超期服役，最近一次按时换届")
    active = [c for c in f.committees if c[0] <= f.as_of and (c[1] is None or c[1] > f.as_of)]
    if not active:
        if not f.requires_committee:
            return s.result(Status.NOT_APPLICABLE, None, _("无需组建"), "—", _("本单位无需组建妇委会"))
        return s.result(
            Status.SCORED, ZERO, _("未组建"), expected, _("未组建妇委会，无法按时换届"), f.committee_links
        )
    known = [t for t in f.terms if t.started_on <= f.as_of]
    current = [t for t in known if t.successor_started_on is None or t.successor_started_on > f.as_of]
    for term in sorted(current, key=lambda t: t.due_on):
        verdict = judge_term(
            due_on=term.due_on,
            successor_started_on=None,
            committee_dissolved_on=term.committee_dissolved_on,
            grace_days=f.grace_days,
            today=f.as_of,
        )
        if verdict.verdict == "overdue":
            return s.result(
                Status.SCORED,
                ZERO,
                _("超期服役 %(n)s 天") % {"n": verdict.days},
                expected,
                _("第%(num)s届 %(due)s 届满，截至 %(as_of)s 未换届，超期服役 %(n)s 天")
                % {
                    "num": term.number,
                    "due": term.due_on.isoformat(),
                    "as_of": f.as_of.isoformat(),
                    "n": verdict.days,
                },
                f.committee_links,
            )
    judged = [
        t
        for t in known
        if f.start <= t.due_on <= f.as_of
        and t.successor_started_on is not None
        and t.successor_started_on <= f.as_of
        and not left_out_of_reelection_rate(t.due_on, t.committee_dissolved_on)
    ]
    reelected = [t for t in known if t.successor_started_on is not None and t.successor_started_on <= f.as_of]
    if not judged and not reelected:
        nxt = min((t.due_on for t in current), default=None)
        tail = _("，本届 %(due)s 届满") % {"due": nxt.isoformat()} if nxt else ""
        return s.result(
            Status.SCORED,
            s.rule.points,
            _("未到换届时间"),
            expected,
            _("尚无到期的届次%(tail)s") % {"tail": tail},
            f.committee_links,
        )
    last = max(judged or reelected, key=lambda t: t.successor_started_on or t.due_on)
    assert last.successor_started_on is not None
    on_time = last.successor_started_on <= last.due_on + dt.timedelta(days=f.grace_days)
    words = {"num": last.number, "due": last.due_on.isoformat(), "on": last.successor_started_on.isoformat()}
    if on_time or last not in judged:
        # A re-election before the period was judged in its own year: only overdue terms count against it now.
        return s.result(
            Status.SCORED,
            s.rule.points,
            _("按时换届"),
            expected,
            _("第%(num)s届 %(due)s 届满，%(on)s 换届，按时") % words,
            f.committee_links,
        )
    late_share = Decimal(str(s.params["late_share"]))
    days = (last.successor_started_on - last.due_on).days
    return s.result(
        Status.SCORED,
        s.rule.points * late_share,
        _("逾期 %(n)s 天换届") % {"n": days},
        expected,
        _("第%(num)s届 %(due)s 届满，%(on)s 才换届，逾期 %(n)s 天") % {**words, "n": days},
        f.committee_links,
    )


def _vacancies_filled(s: _Scorer, f: UnitFacts) -> Result:
    late_credit = Decimal(str(s.params["late_credit"]))
    on_time = late = open_late = pending = 0
    for v in f.vacancies:
        filled = v.filled_on if v.filled_on is not None and v.filled_on <= f.as_of else None
        if v.vacated_on > f.as_of or (filled is not None and filled < f.start):
            continue
        deadline = vacancy_deadline(v.vacated_on, f.fill_days)
        if filled is not None:
            if filled_in_time(v.vacated_on, filled, f.fill_days):
                on_time += 1
            else:
                late += 1
        elif deadline < f.as_of:
            open_late += 1
        else:
            pending += 1
    judged = on_time + late + open_late
    words = {
        "n": judged,
        "ok": on_time,
        "days": f.fill_days,
        "late": late,
        "open": open_late,
        "pending": pending,
    }
    expected = _("缺位在 %(days)s 天内补齐") % words
    if judged == 0:
        sentence = (
            _("期内没有需要补缺的职位")
            if not pending
            else _("期内没有到期的缺位，%(pending)s 个缺位尚在补缺期限内") % words
        )
        return s.result(Status.SCORED, s.rule.points, _("无到期缺位"), expected, sentence, f.committee_links)
    sentence = _("%(n)s 个缺位中 %(ok)s 个在 %(days)s 天内补齐") % words
    if late:
        sentence += _("，%(late)s 个逾期补齐") % words
    if open_late:
        sentence += _("，%(open)s 个超期未补") % words
    if pending:
        sentence += _("，另有 %(pending)s 个尚在期限内") % words
    credits = Decimal(on_time) + late_credit * late
    return s.result(
        Status.SCORED,
        s.rule.points * credits / judged,
        f"{on_time}/{judged}",
        expected,
        sentence,
        f.committee_links,
    )


_UNAVAILABLE = gettext_lazy("该数据来自讲座/执委系统，尚未启用")


def _metric_kind(s: _Scorer, f: UnitFacts) -> Result:
    name = METRIC_OF[s.rule.kind]
    target = Decimal(str(s.params["target"]))
    m = f.metrics.get(name)
    if s.rule.kind == RuleKind.LECTURES:
        unit_word, what = _("场"), _("主办或参加讲座")
    else:
        unit_word, what = _("小时"), _("志愿服务")
    expected = f"≥ {_num(target)} {unit_word}"
    if m is None:
        return s.result(Status.UNAVAILABLE, None, "—", expected, str(_UNAVAILABLE))
    value = Decimal(m.value)
    sentence = _("%(start)s 至 %(as_of)s %(what)s %(value)s %(unit)s，目标 %(target)s %(unit)s") % {
        "start": f.start.isoformat(),
        "as_of": f.as_of.isoformat(),
        "what": what,
        "value": _num(value),
        "unit": unit_word,
        "target": _num(target),
    }
    return s.result(
        Status.SCORED,
        _share_of(s.rule.points, value, target),
        f"{_num(value)} {unit_word}",
        expected,
        sentence,
        m.evidence,
    )


def _executive_records(s: _Scorer, f: UnitFacts) -> Result:
    got = [f.metrics.get(name) for name in EXECUTIVE_METRICS]
    expected = _("在任执委均有履职记录")
    active, total, records = got
    if active is None or total is None:
        return s.result(Status.UNAVAILABLE, None, "—", expected, str(_UNAVAILABLE))
    n_total, n_active = int(total.value), int(active.value)
    if n_total == 0:
        return s.result(Status.NOT_APPLICABLE, None, _("无在任执委"), expected, _("本单位没有在任执委"))
    words = {"total": n_total, "active": n_active, "records": int(records.value) if records else 0}
    sentence = _("%(total)s 名在任执委中 %(active)s 名有履职记录") % words
    if records is not None:
        sentence += _("，共 %(records)s 条") % words
    evidence = tuple(active.evidence) + (tuple(records.evidence) if records else ())
    return s.result(
        Status.SCORED,
        _share_of(s.rule.points, Decimal(n_active), Decimal(n_total)),
        f"{n_active}/{n_total}",
        expected,
        sentence,
        evidence[:20],
    )


def _highlights(s: _Scorer, f: UnitFacts) -> Result:
    target, published = Decimal(str(s.params["target"])), Decimal(str(s.params["published"]))
    half = s.rule.points / 2
    score = _share_of(half, Decimal(f.highlights_submitted), target) + _share_of(
        half, Decimal(f.highlights_published), published
    )
    words = {
        "sub": f.highlights_submitted,
        "pub": f.highlights_published,
        "target": _num(target),
        "ptarget": _num(published),
    }
    return s.result(
        Status.SCORED,
        min(score, s.rule.points),
        _("报送 %(sub)s 条，发布 %(pub)s 条") % words,
        _("报送 ≥ %(target)s 条，发布 ≥ %(ptarget)s 条") % words,
        _("本年度报送亮点 %(sub)s 条（目标 %(target)s 条），其中 %(pub)s 条已发布（目标 %(ptarget)s 条）")
        % words,
        f.highlight_links,
    )


_AUTO = {
    RuleKind.COMMITTEE_FORMED: _committee_formed,
    RuleKind.TERMS_ON_TIME: _terms_on_time,
    RuleKind.VACANCIES_FILLED: _vacancies_filled,
    RuleKind.LECTURES: _metric_kind,
    RuleKind.VOLUNTEER_HOURS: _metric_kind,
    RuleKind.EXECUTIVE_RECORDS: _executive_records,
    RuleKind.HIGHLIGHTS: _highlights,
}


# ---- self kinds -----------------------------------------------------------------------------------


def _score_self(s: _Scorer, a: Answer) -> Result:
    kind, points = s.rule.kind, s.rule.points
    no_evidence = s.rule.evidence_required and a.evidence_count == 0
    if kind == RuleKind.DOCUMENT:
        expected = _("提交文件")
        if a.evidence_count:
            return s.result(
                Status.SCORED,
                points,
                _("已提交 %(n)s 份") % {"n": a.evidence_count},
                expected,
                _("已提交文件 %(n)s 份") % {"n": a.evidence_count},
            )
        return s.result(Status.SCORED, ZERO, _("未提交"), expected, _("尚未提交文件"))
    if a.value is None or a.value == "":
        return s.result(Status.UNANSWERED, None, _("未填写"), _expected_self(s), _("尚未填写"))
    if kind == RuleKind.YES_NO:
        yes = a.value in (True, "yes", "true", "1", 1)
        share, actual = (Decimal(1), _("是")) if yes else (ZERO, _("否"))
    elif kind == RuleKind.COUNT:
        try:
            count = Decimal(str(a.value))
        except ArithmeticError:
            return s.result(Status.UNANSWERED, None, _("未填写"), _expected_self(s), _("尚未填写"))
        target = Decimal(str(s.params["target"]))
        share, actual = min(Decimal(1), count / target), _num(count)
    else:
        choices = s.params["choices"]
        try:
            label, raw = choices[int(a.value)]
        except (ValueError, TypeError, IndexError):
            return s.result(Status.UNANSWERED, None, _("未填写"), _expected_self(s), _("尚未填写"))
        share, actual = Decimal(str(raw)), str(label)
    if no_evidence and share > 0:
        return s.result(
            Status.SCORED,
            ZERO,
            actual,
            _expected_self(s),
            _("自评为“%(a)s”，但缺少佐证材料，暂不计分") % {"a": actual},
        )
    sentence = _("自评为“%(a)s”") % {"a": actual}
    if a.evidence_count:
        sentence += _("，附佐证材料 %(n)s 份") % {"n": a.evidence_count}
    return s.result(Status.SCORED, points * share, actual, _expected_self(s), sentence)


def _expected_self(s: _Scorer) -> str:
    kind = s.rule.kind
    if kind == RuleKind.YES_NO:
        return _("是")
    if kind == RuleKind.COUNT:
        return _("≥ %(t)s") % {"t": _num(Decimal(str(s.params["target"])))}
    if kind == RuleKind.GRADED:
        return str(s.params["choices"][0][0])
    return _("提交文件")


@dataclass(frozen=True)
class Total:
    score: Decimal
    max_score: Decimal
    answered: int
    of: int


def total_of(results: Sequence[Result]) -> Total:
    """The form's total over the items that count (N/A and unavailable items are left out of both sides)."""
    counted = [r for r in results if r.counted]
    score = sum((r.score or ZERO for r in counted), ZERO)
    max_score = sum((r.max_score for r in counted), ZERO)
    answered = sum(1 for r in results if r.status != Status.UNANSWERED)
    return Total(_round(score), _round(max_score), answered, len(results))
