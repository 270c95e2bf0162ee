"""API log-in: exchange a username and password (and TOTP code when required) for a bearer token.

The body is read by the endpoint itself (core.api.read_json_body), not by ninja, so that a body it cannot
take — not JSON, malformed, missing a field — is still a failed log-in of the account it names: counted
toward the lock-out and audited like a wrong password. Otherwise a malformed request would be a free
guess (answering differently for a right and a wrong password) outside the lock-out.
"""

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from pydantic import ConfigDict

from accounts import services
from core.api import BodyError, ErrorOut, json_body, public_endpoint, read_json_body

router = Router(tags=["auth"])


class TokenIn(Schema):
    model_config = ConfigDict(extra="forbid")  # a field the endpoint does not know is a mistake, said so

    username: str = Field(min_length=1, max_length=150)
    password: str = Field(min_length=1, max_length=1024)
    otp: str | None = Field(None, max_length=16, description="动态验证码（须双因素认证的账号）")


class TokenOut(Schema):
    token: str
    expires_at: str


TOKEN_REFUSALS = {401: ErrorOut, 403: ErrorOut, 413: ErrorOut, 415: ErrorOut, 422: ErrorOut}


def _claimed_username(data: Any) -> str:
    """The username a refused body names, if any (JSON or form fields)."""
    value = data.get("username") if isinstance(data, dict) else None
    return value[:150] if isinstance(value, str) else ""


@router.post("/token", auth=None, response={200: TokenOut, **TOKEN_REFUSALS},
             openapi_extra=json_body(TokenIn, description="只接受 JSON（Content-Type: application/json）"))
@public_endpoint
def token(request: HttpRequest) -> TokenOut:
    try:
        payload = read_json_body(request, TokenIn)
    except BodyError as refused:
        result = services.api_login_refused(request, username=_claimed_username(refused.data),
                                            reason=f"body refused ({refused.status})")
        if result.error:
            raise HttpError(result.status, result.error) from None
        raise
    result = services.api_login(request, username=payload.username, password=payload.password, otp=payload.otp)
    if result.error:
        raise HttpError(result.status, result.error)
    assert result.token is not None and result.expires_at is not None
    return TokenOut(token=result.token, expires_at=result.expires_at.isoformat())
