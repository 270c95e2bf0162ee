"""The pure rate functions, boundary by boundary (committees/rates.py)."""

import datetime as dt

import pytest

from committees.rates import (
    Facts,
    RateResult,
    RateSettings,
    TermFact,
    UnitFact,
    VacancyFact,
    all_rates,
    formation_rate,
    on_time_reelection_rate,
    vacancy_fill_rate,
    yearly_trend,
)

D = dt.date
A, B = D(2017, 1, 1), D(2017, 12, 31)


def unit(established=D(2000, 1, 1), dissolved=None, requires=True, committees=()):
    return UnitFact(id=1, established_on=established, dissolved_on=dissolved, requires_committee=requires,
                    committees=tuple(committees))


def formation(u, as_of):
    return formation_rate([u], as_of)


# ---- RateResult -------------------------------------------------------------------------------------

def test_zero_denominator_has_no_rate():
    r = RateResult(0, 0)
    assert r.rate is None
    assert r.percent == "—"
    assert r.as_dict() == {"numerator": 0, "denominator": 0, "rate": None}


def test_rate_is_rounded_to_four_decimals_and_percent_to_one():
    r = RateResult(37, 57)
    assert r.as_dict()["rate"] == 0.6491
    assert r.percent == "64.9%"
    assert RateResult(44, 49).percent == "89.8%"


# ---- formation --------------------------------------------------------------------------------------

def test_unit_counts_from_its_establishment_day():
    u = unit(established=D(2017, 6, 1), committees=[(D(2017, 6, 1), None)])
    assert formation(u, D(2017, 5, 31)) == RateResult(0, 0)
    assert formation(u, D(2017, 6, 1)) == RateResult(1, 1)


def test_unit_with_unknown_establishment_counts():
    assert formation(unit(established=None), A) == RateResult(0, 1)


def test_unit_is_gone_on_its_dissolution_day():
    u = unit(dissolved=D(2019, 1, 18), committees=[(D(2010, 1, 1), D(2019, 1, 18))])
    assert formation(u, D(2019, 1, 17)) == RateResult(1, 1)
    assert formation(u, D(2019, 1, 18)) == RateResult(0, 0)


def test_committee_counts_from_its_formation_day():
    u = unit(committees=[(D(2017, 12, 31), None)])
    assert formation(u, D(2017, 12, 30)) == RateResult(0, 1)
    assert formation(u, D(2017, 12, 31)) == RateResult(1, 1)


def test_committee_is_gone_on_its_dissolution_day_while_the_unit_lives_on():
    u = unit(committees=[(D(2010, 1, 1), D(2017, 6, 30))])
    assert formation(u, D(2017, 6, 29)) == RateResult(1, 1)
    assert formation(u, D(2017, 6, 30)) == RateResult(0, 1)


def test_a_reformed_committee_counts_again():
    u = unit(committees=[(D(2010, 1, 1), D(2015, 1, 1)), (D(2016, 1, 1), None)])
    assert formation(u, D(2015, 6, 1)) == RateResult(0, 1)
    assert formation(u, D(2016, 1, 1)) == RateResult(1, 1)


def test_units_not_requiring_a_committee_are_left_out():
    assert formation(unit(requires=False, committees=[(D(2010, 1, 1), None)]), A) == RateResult(0, 0)


def test_formation_over_several_units():
    units = [
        unit(committees=[(D(2010, 1, 1), None)]),
        unit(),
        unit(established=D(2018, 1, 1)),  # not yet established
        unit(dissolved=D(2016, 1, 1)),  # already gone
        unit(requires=False),
    ]
    assert formation_rate(units, B) == RateResult(1, 2)


# ---- on-time re-election ----------------------------------------------------------------------------

def term(due, successor=None, dissolved=None):
    return TermFact(id=1, committee_dissolved_on=dissolved, due_on=due, successor_started_on=successor)


def reelection(t, grace=0):
    return on_time_reelection_rate([t], A, B, grace)


def test_terms_due_on_either_end_of_the_period_count():
    assert reelection(term(A, successor=A)) == RateResult(1, 1)
    assert reelection(term(B, successor=B)) == RateResult(1, 1)


def test_terms_due_outside_the_period_are_left_out():
    assert reelection(term(D(2016, 12, 31), successor=D(2016, 12, 1))) == RateResult(0, 0)
    assert reelection(term(D(2018, 1, 1), successor=D(2017, 12, 1))) == RateResult(0, 0)


def test_early_reelection_is_on_time():
    assert reelection(term(D(2017, 6, 1), successor=D(2016, 11, 1))) == RateResult(1, 1)


def test_successor_on_the_due_day_is_on_time_a_day_later_is_not():
    assert reelection(term(D(2017, 6, 1), successor=D(2017, 6, 1))) == RateResult(1, 1)
    assert reelection(term(D(2017, 6, 1), successor=D(2017, 6, 2))) == RateResult(0, 1)


def test_grace_days_extend_the_limit_inclusively():
    due = D(2017, 6, 1)
    assert reelection(term(due, successor=D(2017, 6, 11)), grace=10) == RateResult(1, 1)
    assert reelection(term(due, successor=D(2017, 6, 12)), grace=10) == RateResult(0, 1)


def test_grace_may_reach_past_the_period_end():
    assert reelection(term(B, successor=D(2018, 1, 5)), grace=5) == RateResult(1, 1)


def test_no_successor_is_late():
    assert reelection(term(D(2017, 6, 1))) == RateResult(0, 1)


def test_committee_dissolved_before_due_is_left_out():
    assert reelection(term(D(2017, 6, 1), dissolved=D(2017, 5, 31))) == RateResult(0, 0)


def test_committee_dissolved_on_or_after_due_without_successor_is_late():
    assert reelection(term(D(2017, 6, 1), dissolved=D(2017, 6, 1))) == RateResult(0, 1)
    assert reelection(term(D(2017, 6, 1), dissolved=D(2017, 9, 1))) == RateResult(0, 1)


def test_no_terms_due_means_no_rate():
    assert on_time_reelection_rate([], A, B).rate is None


# ---- vacancy fill -----------------------------------------------------------------------------------

def vacancy(vacated, filled=None):
    return VacancyFact(id=1, vacated_on=vacated, filled_on=filled)


def fill(v, days=90):
    return vacancy_fill_rate([v], A, B, days)


def test_filled_on_the_deadline_is_on_time_a_day_later_is_not():
    vacated = D(2017, 3, 15)  # deadline 2017-06-13
    assert fill(vacancy(vacated, D(2017, 6, 13))) == RateResult(1, 1)
    assert fill(vacancy(vacated, D(2017, 6, 14))) == RateResult(0, 1)


def test_fill_days_setting_moves_the_deadline():
    vacated = D(2017, 3, 1)
    assert fill(vacancy(vacated, D(2017, 3, 31)), days=30) == RateResult(1, 1)
    assert fill(vacancy(vacated, D(2017, 4, 1)), days=30) == RateResult(0, 1)


def test_vacancies_vacated_on_either_end_of_the_period_count():
    assert fill(vacancy(A, A)) == RateResult(1, 1)
    assert fill(vacancy(B, B)) == RateResult(1, 1)


def test_vacancies_vacated_outside_the_period_are_left_out():
    assert fill(vacancy(D(2016, 12, 31), D(2017, 1, 2))) == RateResult(0, 0)
    assert fill(vacancy(D(2018, 1, 1), D(2018, 1, 2))) == RateResult(0, 0)


def test_open_vacancy_with_deadline_before_period_end_is_judged_late():
    # vacated 2017-10-01 -> deadline 2017-12-30 < B
    assert fill(vacancy(D(2017, 10, 1))) == RateResult(0, 1)


def test_open_vacancy_with_deadline_on_period_end_is_pending():
    # vacated 2017-10-02 -> deadline 2017-12-31 == B
    assert fill(vacancy(D(2017, 10, 2))) == RateResult(0, 0)


def test_open_vacancy_with_deadline_after_period_end_is_pending():
    assert fill(vacancy(D(2017, 11, 20))) == RateResult(0, 0)


def test_vacancy_filled_after_the_period_is_judged_by_its_fill_date():
    # Deadline 2018-02-18 is after B, but the vacancy has been filled since: it is judged.
    assert fill(vacancy(D(2017, 11, 20), D(2018, 1, 10))) == RateResult(1, 1)
    assert fill(vacancy(D(2017, 11, 20), D(2018, 3, 1))) == RateResult(0, 1)


def test_no_vacancies_means_no_rate():
    assert vacancy_fill_rate([], A, B).rate is None


# ---- all together -----------------------------------------------------------------------------------

FACTS = Facts(
    units=[unit(committees=[(D(2012, 1, 1), None)]), unit(), unit(committees=[(D(2018, 5, 1), None)])],
    terms=[term(D(2017, 1, 1), successor=D(2017, 1, 1)), term(D(2018, 5, 1), successor=D(2018, 5, 20))],
    vacancies=[vacancy(D(2017, 2, 1), D(2017, 3, 1)), vacancy(D(2018, 2, 1))],
)


def test_all_rates_takes_formation_as_of_the_end_and_uses_the_settings():
    rates = all_rates(FACTS, A, B, RateSettings(grace_days=0, fill_days=90))
    assert rates.formation == RateResult(1, 3)
    assert rates.on_time_reelection == RateResult(1, 1)
    assert rates.vacancy_fill == RateResult(1, 1)
    assert rates.as_dict() == {
        "formation": {"numerator": 1, "denominator": 3, "rate": 0.3333},
        "on_time_reelection": {"numerator": 1, "denominator": 1, "rate": 1.0},
        "vacancy_fill": {"numerator": 1, "denominator": 1, "rate": 1.0},
    }
    assert all_rates(FACTS, D(2018, 1, 1), D(2018, 12, 31), RateSettings(grace_days=30)).on_time_reelection == (
        RateResult(1, 1)
    )


@pytest.mark.parametrize("grace, expected", [(0, RateResult(0, 1)), (19, RateResult(1, 1))])
def test_yearly_trend_gives_one_point_per_calendar_year(grace, expected):
    trend = yearly_trend(FACTS, 2016, 2018, RateSettings(grace_days=grace))
    assert [p.year for p in trend] == [2016, 2017, 2018]
    assert [p.rates.formation for p in trend] == [RateResult(1, 3), RateResult(1, 3), RateResult(2, 3)]
    assert trend[2].rates.on_time_reelection == expected
    assert trend[2].rates.start == D(2018, 1, 1) and trend[2].rates.end == D(2018, 12, 31)
    assert trend[2].rates.vacancy_fill == RateResult(0, 1)


def test_yearly_trend_stops_the_current_year_at_until():
    terms = [
        TermFact(id=1, committee_dissolved_on=None, due_on=D(2026, 3, 1), successor_started_on=D(2026, 2, 20)),
        TermFact(id=2, committee_dissolved_on=None, due_on=D(2026, 12, 16), successor_started_on=None),
    ]
    facts = Facts(terms=terms)
    whole_year = yearly_trend(facts, 2025, 2026)
    assert whole_year[-1].rates.on_time_reelection == RateResult(1, 2)
    until_today = yearly_trend(facts, 2025, 2027, until=D(2026, 11, 27))
    assert [p.year for p in until_today] == [2025, 2026]
    assert until_today[-1].rates.end == D(2026, 11, 27)
    # The term due on 16 December is not late yet.
    assert until_today[-1].rates.on_time_reelection == RateResult(1, 1)
