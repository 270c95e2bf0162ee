"""The scorer: facts in, result out (assessment.scoring is pure: these tests need no database)."""

import datetime as dt
from decimal import Decimal

import pytest

from assessment.defaults import DEFAULT_ITEMS
from assessment.scoring import (
    AUTO_KINDS,
    Answer,
    ParamError,
    Result,
    Rule,
    RuleKind,
    Status,
    TermFact,
    UnitFacts,
    VacancyFact,
    params_for,
    score_item,
    total_of,
)
from core.metrics import EvidenceLink, Measurement

D = dt.date
START, AS_OF = D(2026, 1, 1), D(2026, 11, 30)
COMMITTEE = ((D(2012, 3, 8), None),)


def facts(**kw):
    base = {"start": START, "as_of": AS_OF, "committees": COMMITTEE}
    return UnitFacts(**{**base, **kw})


def rule(kind, points=10, **kw):
    return Rule(RuleKind(kind), Decimal(points), **kw)


def test_the_default_template_has_ten_items_of_100_points_with_valid_parameters():
    assert [i.number for i in DEFAULT_ITEMS] == list(range(1, 11))
    assert sum(i.points for i in DEFAULT_ITEMS) == 100
    for item in DEFAULT_ITEMS:
        params_for(item.kind, item.params)
    assert {i.number for i in DEFAULT_ITEMS if i.kind in AUTO_KINDS} == {1, 2, 3, 6, 7, 9, 10}


# ---- 1 committee formed ----------------------------------------------------------------------------


def test_formed_committee_scores_full_with_its_date_and_links():
    link = EvidenceLink("历届情况", "/committees/units/1/history/")
    r = score_item(rule("committee_formed"), facts=facts(committee_links=(link,)), template_version=3)
    assert (r.status, r.score, r.max_score) == (Status.SCORED, Decimal(10), Decimal(10))
    assert "2012-03-08" in r.sentence and r.as_of == AS_OF and r.template_version == 3
    assert r.evidence == (link,) and r.kind == RuleKind.COMMITTEE_FORMED


def test_no_committee_or_a_dissolved_one_scores_zero():
    assert score_item(rule("committee_formed"), facts=facts(committees=())).score == 0
    gone = facts(committees=((D(2012, 3, 8), D(2026, 5, 1)),))
    r = score_item(rule("committee_formed"), facts=gone)
    assert r.score == 0 and r.actual == "未组建"
    # Dissolved after the as-of date: still counted on it.
    later = facts(committees=((D(2012, 3, 8), D(2026, 12, 20)),))
    assert score_item(rule("committee_formed"), facts=later).score == 10


def test_a_unit_that_needs_no_committee_is_not_applicable():
    r = score_item(rule("committee_formed"), facts=facts(committees=(), requires_committee=False))
    assert r.status == Status.NOT_APPLICABLE and r.score is None and not r.counted


# ---- 2 terms on time -------------------------------------------------------------------------------


def test_overdue_term_scores_zero_and_says_how_long():
    terms = (TermFact(1, D(2019, 3, 8), D(2024, 3, 8), None),)
    r = score_item(rule("terms_on_time"), facts=facts(terms=terms))
    assert r.score == 0 and "超期服役" in r.sentence and str((AS_OF - D(2024, 3, 8)).days) in r.sentence


def test_grace_days_keep_a_just_due_term_from_being_overdue():
    terms = (TermFact(1, D(2021, 11, 1), D(2026, 11, 20), None),)
    assert score_item(rule("terms_on_time"), facts=facts(terms=terms, grace_days=30)).score == 10
    assert score_item(rule("terms_on_time"), facts=facts(terms=terms, grace_days=0)).score == 0


def test_last_reelection_on_time_scores_full_late_scores_the_late_share():
    on_time = (
        TermFact(1, D(2021, 3, 8), D(2026, 3, 8), D(2026, 3, 1)),
        TermFact(2, D(2026, 3, 1), D(2031, 3, 1), None),
    )
    r = score_item(rule("terms_on_time"), facts=facts(terms=on_time))
    assert r.score == 10 and "按时" in r.sentence
    late = (
        TermFact(1, D(2021, 3, 8), D(2026, 3, 8), D(2026, 5, 7)),
        TermFact(2, D(2026, 5, 7), D(2031, 5, 7), None),
    )
    r = score_item(rule("terms_on_time"), facts=facts(terms=late))
    assert r.score == 5 and "逾期 60 天" in r.sentence
    r = score_item(rule("terms_on_time", params={"late_share": "0"}), facts=facts(terms=late))
    assert r.score == 0


def test_a_late_reelection_of_an_earlier_year_no_longer_counts_against_the_unit():
    late_2020 = (
        TermFact(1, D(2015, 3, 8), D(2020, 3, 8), D(2020, 9, 1)),
        TermFact(2, D(2020, 9, 1), D(2025, 9, 1), D(2025, 8, 1)),
        TermFact(3, D(2025, 8, 1), D(2030, 8, 1), None),
    )
    assert score_item(rule("terms_on_time"), facts=facts(terms=late_2020)).score == 10


def test_not_yet_due_scores_full_and_no_committee_zero():
    terms = (TermFact(1, D(2024, 3, 8), D(2029, 3, 8), None),)
    r = score_item(rule("terms_on_time"), facts=facts(terms=terms))
    assert r.score == 10 and "2029-03-08" in r.sentence
    assert score_item(rule("terms_on_time"), facts=facts(committees=(), terms=())).score == 0


# ---- 3 vacancies filled ----------------------------------------------------------------------------


def test_the_sentence_counts_vacancies_filled_in_the_deadline():
    vacancies = (
        VacancyFact("委员", D(2026, 1, 10), D(2026, 2, 1)),  # on time
        VacancyFact("委员", D(2026, 2, 10), D(2026, 4, 1)),  # on time
        VacancyFact("副主任", D(2026, 3, 1), None),  # open past the deadline
    )
    r = score_item(rule("vacancies_filled"), facts=facts(vacancies=vacancies))
    assert r.sentence.startswith("3 个缺位中 2 个在 90 天内补齐") and "1 个超期未补" in r.sentence
    assert r.score == Decimal("6.7") and r.actual == "2/3"


def test_filling_late_counts_the_late_credit_and_moves_the_score():
    open_late = (VacancyFact("委员", D(2025, 5, 1), None),)
    before = score_item(rule("vacancies_filled"), facts=facts(vacancies=open_late))
    filled = (VacancyFact("委员", D(2025, 5, 1), D(2026, 6, 1)),)
    after = score_item(rule("vacancies_filled"), facts=facts(vacancies=filled))
    assert before.score == 0 and after.score == 5
    assert before.sentence != after.sentence and "1 个逾期补齐" in after.sentence


def test_pending_vacancies_are_left_out_and_said():
    pending = (VacancyFact("委员", D(2026, 11, 1), None),)
    r = score_item(rule("vacancies_filled"), facts=facts(vacancies=pending))
    assert r.score == 10 and "1 个缺位尚在补缺期限内" in r.sentence
    none = score_item(rule("vacancies_filled"), facts=facts())
    assert none.score == 10 and none.sentence == "期内没有需要补缺的职位"


def test_vacancies_closed_before_the_period_or_after_as_of_are_not_counted():
    vacancies = (
        VacancyFact("委员", D(2024, 1, 1), D(2024, 2, 1)),  # filled before the period
        VacancyFact("委员", D(2026, 12, 10), None),  # after as_of
        VacancyFact(
            "委员", D(2026, 1, 1), D(2026, 12, 15)
        ),  # filled after as_of: open past deadline on as_of
    )
    r = score_item(rule("vacancies_filled"), facts=facts(vacancies=vacancies))
    assert r.sentence.startswith("1 个缺位中 0 个") and r.score == 0


def test_the_fill_deadline_day_is_on_time():
    v = (VacancyFact("委员", D(2026, 1, 1), D(2026, 4, 1)),)  # day 90
    assert score_item(rule("vacancies_filled"), facts=facts(vacancies=v)).score == 10
    v = (VacancyFact("委员", D(2026, 1, 1), D(2026, 4, 2)),)
    assert score_item(rule("vacancies_filled"), facts=facts(vacancies=v)).score == 5


# ---- metrics from other apps -----------------------------------------------------------------------


def test_a_missing_metric_is_unavailable_not_zero():
    for kind in ("lectures", "volunteer_hours", "executive_records"):
        r = score_item(rule(kind), facts=facts(metrics={}))
        assert r.status == Status.UNAVAILABLE and r.score is None and not r.counted
        assert r.sentence == "该数据来自讲座/执委系统，尚未启用"


def test_lectures_score_against_the_target_with_their_records():
    links = (EvidenceLink("心肺复苏讲座", "/lectures/1/"),)
    m = {"lectures.hosted_or_attended": Measurement(Decimal(3), links)}
    r = score_item(rule("lectures", params={"target": 4}), facts=facts(metrics=m))
    assert (
        r.score == Decimal("7.5") and r.actual == "3 场" and r.evidence == links and "目标 4 场" in r.sentence
    )
    m = {"lectures.hosted_or_attended": Measurement(Decimal(9))}
    assert score_item(rule("lectures"), facts=facts(metrics=m)).score == 10


def test_volunteer_hours_score_against_hours():
    m = {"lectures.volunteer_hours": Measurement(Decimal("12.5"))}
    r = score_item(rule("volunteer_hours", params={"target": 25}), facts=facts(metrics=m))
    assert r.score == 5 and "12.5 小时" in r.sentence


def test_executives_score_the_share_with_records_and_none_in_office_is_na():
    m = {
        "duties.executives_active": Measurement(Decimal(2)),
        "duties.executives_total": Measurement(Decimal(3)),
        "duties.executive_records": Measurement(Decimal(7)),
    }
    r = score_item(rule("executive_records"), facts=facts(metrics=m))
    assert r.score == Decimal("6.7") and r.sentence == "3 名在任执委中 2 名有履职记录，共 7 条"
    m = {
        "duties.executives_active": Measurement(Decimal(0)),
        "duties.executives_total": Measurement(Decimal(0)),
    }
    assert score_item(rule("executive_records"), facts=facts(metrics=m)).status == Status.NOT_APPLICABLE


def test_highlights_half_for_submitted_half_for_published():
    r = score_item(rule("highlights"), facts=facts(highlights_submitted=1, highlights_published=0))
    assert r.score == Decimal("2.5")
    r = score_item(rule("highlights"), facts=facts(highlights_submitted=3, highlights_published=1))
    assert r.score == 10 and "3 条" in r.sentence


# ---- self items ------------------------------------------------------------------------------------


def test_unanswered_self_item_is_counted_but_unscored():
    r = score_item(rule("yes_no"), answer=Answer())
    assert r.status == Status.UNANSWERED and r.score is None and r.counted and r.below(Decimal("0.6"))


def test_yes_no_count_graded_and_document():
    assert score_item(rule("yes_no"), answer=Answer("yes")).score == 10
    assert score_item(rule("yes_no"), answer=Answer("no")).score == 0
    assert score_item(rule("count", params={"target": 4}), answer=Answer(3)).score == Decimal("7.5")
    assert score_item(rule("count", params={"target": 4}), answer=Answer(8)).score == 10
    r = score_item(rule("graded"), answer=Answer(1))
    assert r.score == 6 and r.actual == "基本完善"
    assert score_item(rule("document"), answer=Answer(evidence_count=2)).score == 10
    assert score_item(rule("document"), answer=Answer()).score == 0


def test_a_bad_answer_is_unanswered_not_an_error():
    assert score_item(rule("graded"), answer=Answer(7)).status == Status.UNANSWERED
    assert score_item(rule("count"), answer=Answer("abc")).status == Status.UNANSWERED


def test_required_evidence_missing_scores_zero_and_says_so():
    r = score_item(rule("count", evidence_required=True), answer=Answer(5))
    assert r.score == 0 and "缺少佐证材料" in r.sentence
    r = score_item(rule("count", evidence_required=True), answer=Answer(5, evidence_count=1))
    assert r.score == 10 and "附佐证材料 1 份" in r.sentence


def test_not_applicable_only_where_allowed():
    r = score_item(
        rule("graded", na_allowed=True), answer=Answer(not_applicable=True, na_reason="无哺乳期职工")
    )
    assert r.status == Status.NOT_APPLICABLE and "无哺乳期职工" in r.sentence
    r = score_item(rule("graded"), answer=Answer(not_applicable=True, na_reason="x"))
    assert r.status == Status.UNANSWERED


def test_the_total_leaves_out_na_and_unavailable_on_both_sides():
    rs = [
        score_item(rule("yes_no"), answer=Answer("yes")),
        score_item(rule("lectures"), facts=facts()),  # unavailable
        score_item(rule("graded", na_allowed=True), answer=Answer(not_applicable=True)),
        score_item(rule("count", params={"target": 2}), answer=Answer(1)),
        score_item(rule("yes_no", points=5), answer=Answer()),  # unanswered: counts 0 of 5
    ]
    t = total_of(rs)
    assert (t.score, t.max_score, t.answered, t.of) == (Decimal(15), Decimal(25), 4, 5)


def test_a_result_round_trips_through_its_dict():
    links = (EvidenceLink("讲座", "/x/"),)
    r = score_item(
        rule("lectures"), facts=facts(metrics={"lectures.hosted_or_attended": Measurement(Decimal(2), links)})
    )
    assert Result.from_dict(r.as_dict()) == r


@pytest.mark.parametrize(
    "kind,params",
    [
        ("count", {"target": 0}),
        ("count", {"bogus": 1}),
        ("terms_on_time", {"late_share": "2"}),
        ("graded", {"choices": []}),
        ("graded", {"choices": [["好", "1.5"]]}),
        ("lectures", {"target": "x"}),
    ],
)
def test_bad_parameters_are_refused(kind, params):
    with pytest.raises(ParamError):
        params_for(kind, params)
