"""API log-in: exchange a username and password (and TOTP code when required) for a bearer token.

The body is read by the endpoint itself (core.api.read_json_body), not by ninja, so that a body it cannot
take — not JSON, malformed, missing a field — is still a failed log-in of the account it names: counted
toward the lock-out and audited like a wrong password. Otherwise a malformed request would be a free
guess (answering differently for a right and a wrong password) outside the lock-out.
"""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import ConfigDict

from accounts import services
from accounts.models import ApiToken
from core.api import BodyError, BodyIn, ErrorOut, json_body, public_endpoint, read_json_body, scoped_endpoint
from core.roles import Role

router = Router(tags=["auth"])


class TokenIn(BodyIn):
    model_config = ConfigDict(extra="forbid")  # a field the endpoint does not know is a mistake, said so

    username: str = Field(min_length=1, max_length=150)
    password: str = Field(min_length=1, max_length=1024)
    otp: str | None = Field(None, max_length=16, description=str(_("动态验证码（须双因素认证的账号）")))


class TokenOut(Schema):
    token: str
    expires_at: str


TOKEN_REFUSALS = {401: ErrorOut, 403: ErrorOut, 413: ErrorOut, 415: ErrorOut, 422: ErrorOut}


def _claimed_username(data: Any) -> str:
    """The username a refused body names, if any (JSON or form fields)."""
    value = data.get("username") if isinstance(data, dict) else None
    return value[:150] if isinstance(value, str) else ""


@router.post("/token", auth=None, response={200: TokenOut, **TOKEN_REFUSALS},
             openapi_extra=json_body(TokenIn, description=str(_("只接受 JSON（Content-Type: application/json）"))))
@public_endpoint
def token(request: HttpRequest) -> TokenOut:
    try:
        payload = read_json_body(request, TokenIn)
    except BodyError as refused:
        result = services.api_login_refused(request, username=_claimed_username(refused.data),
                                            reason=f"body refused ({refused.status})")
        if result.error:
            raise HttpError(result.status, str(result.error)) from None
        raise
    result = services.api_login(request, username=payload.username, password=payload.password, otp=payload.otp)
    if result.error:
        raise HttpError(result.status, str(result.error))
    assert result.token is not None and result.expires_at is not None
    return TokenOut(token=result.token, expires_at=result.expires_at.isoformat())


# Every account manages its own tokens, whatever its roles.
ANY_ROLE = frozenset(Role)


class TokenInfo(Schema):
    id: int
    created_at: dt.datetime
    expires_at: dt.datetime
    last_used_at: dt.datetime | None
    current: bool = Field(description=str(_("是否为本次请求所用的令牌")))


@router.get("/tokens", response={200: list[TokenInfo]})
@scoped_endpoint(roles=ANY_ROLE, model=ApiToken)
def list_tokens(request: HttpRequest) -> list[TokenInfo]:
    """The caller's own tokens that still stand, newest first (never the tokens themselves: only their hashes
    are stored)."""
    current = getattr(getattr(request, "jinguo_api_token", None), "pk", None)
    return [TokenInfo(id=t.pk, created_at=t.created_at, expires_at=t.expires_at, last_used_at=t.last_used_at,
                      current=t.pk == current)
            for t in services.tokens_of(request.user)]  # type: ignore[arg-type]


@router.delete("/token", response={204: None})
@scoped_endpoint(roles=ANY_ROLE, model=ApiToken)
def revoke_token(request: HttpRequest) -> Status:
    """Revokes the token this request carries (log-out of the API)."""
    token = request.jinguo_api_token  # type: ignore[attr-defined]
    services.token_revoke(user=request.user, tokens=ApiToken.objects.filter(pk=token.pk),  # type: ignore[arg-type]
                          acting_user=request.user, detail="api: revoked by its owner")  # type: ignore[arg-type]
    return Status(204, None)
