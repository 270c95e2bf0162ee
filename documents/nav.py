from django.utils.translation import gettext_noop

from core.navigation import NavEntry, register
from core.roles import BUSINESS_ROLES

SECTION = gettext_noop("自查")

register(
    NavEntry(SECTION, gettext_noop("文件资料"), "documents:list", BUSINESS_ROLES, "bi-journal-text", 125)
)
register(
    NavEntry(
        SECTION,
        gettext_noop("征求意见"),
        "documents:consultation-list",
        BUSINESS_ROLES,
        "bi-chat-square-text",
        126,
    )
)
