"""The JSON API at /api/v1/: assembles each app's router."""

from accounts.api_auth import BearerToken, docs_require_login
from core.api import JinguoAPI, UnicodeJSONRenderer, install_error_handlers

api = JinguoAPI(
    title="巾帼 Jinguo API",
    version="1",
    urls_namespace="api",
    auth=BearerToken(),
    docs_url="/docs",
    docs_decorator=docs_require_login,
    renderer=UnicodeJSONRenderer(),
    description="妇联与机关妇委会工作平台接口。认证：POST /api/v1/auth/token 获取令牌，"
    "随后在请求头中使用 Authorization: Bearer <token>。",
)
install_error_handlers(api)

api.add_router("/auth", "accounts.api.router")
api.add_router("/units", "orgs.api.router")
api.add_router("/stats", "committees.api.router")
api.add_router("/lectures", "lectures.api.router")
api.add_router("/duties", "duties.api.router")
api.add_router("/hotline", "duties.api.hotline_router")
api.add_router("/assessment", "assessment.api.router")
api.add_router("/documents", "documents.api.router")
api.add_router("/consultations", "documents.api.consultations_router")
