"""The three rates over the API, scoped to the caller: GET /api/v1/stats/rates?from=&to=."""

import datetime as dt
from typing import Annotated

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import WithJsonSchema

from committees import selectors
from core.api import ErrorOut, scoped_endpoint
from core.roles import Role

router = Router(tags=["stats"])

MSG_DATES_REQUIRED = _("请提供起止日期 from 和 to（格式 YYYY-MM-DD）。")
MSG_BAD_DATE = _("日期格式有误，应为 YYYY-MM-DD。")
MSG_INVERTED = _("起始日期 from 不能晚于截止日期 to。")

RATE_ROLES = (Role.FEDERATION_STAFF, Role.UNIT_LIAISON)
# A date as the schema declares it; the string is parsed by _parse, for its own Chinese message.
IsoDate = Annotated[str, WithJsonSchema({"type": "string", "format": "date"})]
FROM, TO = Query(..., alias="from"), Query(..., alias="to")


class RateOut(Schema):
    numerator: int
    denominator: int
    rate: float | None


class RatesOut(Schema):
    formation: RateOut
    on_time_reelection: RateOut
    vacancy_fill: RateOut


def _parse(value: str | None) -> dt.date:
    if not value:
        raise HttpError(422, str(MSG_DATES_REQUIRED))
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise HttpError(422, str(MSG_BAD_DATE)) from None


@router.get("/rates", response={200: RatesOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut})
@scoped_endpoint(roles=RATE_ROLES, model=None)
def rates(
    request: HttpRequest,
    # Strings parsed below, so that a bad date answers with its own Chinese message; required dates in the
    # schema (a missing one is refused by the shared validation, in Chinese too).
    start: IsoDate = FROM,
    end: IsoDate = TO,
) -> dict[str, dict[str, object]]:
    """组建率 (as of `to`), 按时换届率 and 及时补缺率 over [from, to], with numerators and denominators.

    Federation staff get their federation's figures; a unit liaison gets their own unit's only.
    """
    first, last = _parse(start), _parse(end)
    if first > last:
        raise HttpError(422, str(MSG_INVERTED))
    return selectors.rates_for(request.user, first, last).as_dict()
