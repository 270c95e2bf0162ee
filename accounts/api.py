"""API log-in: exchange a username and password (and TOTP code when required) for a bearer token."""


from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from accounts import services
from core.api import ErrorOut, public_endpoint

router = Router(tags=["auth"])


class TokenIn(Schema):
    username: str
    password: str
    otp: str | None = None


class TokenOut(Schema):
    token: str
    expires_at: str


@router.post("/token", auth=None, response={200: TokenOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut})
@public_endpoint
def token(request: HttpRequest, payload: TokenIn) -> TokenOut:
    result = services.api_login(request, username=payload.username, password=payload.password, otp=payload.otp)
    if result.error:
        raise HttpError(result.status, result.error)
    assert result.token is not None and result.expires_at is not None
    return TokenOut(token=result.token, expires_at=result.expires_at.isoformat())
