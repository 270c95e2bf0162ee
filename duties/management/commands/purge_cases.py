"""Purge the contents of hotline cases closed longer ago than their federation's retention (default 5 years)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from core import audit, clock
from duties.services import case_purge_expired

DONE_MESSAGE = "已清除保存期满的个案内容 {count} 件（统计数据保留）。"


class Command(BaseCommand):
    help = "Blank the encrypted contents of hotline cases past their retention; statistics are kept."

    def handle(self, *args: Any, **options: Any) -> None:
        with audit.acting_as(None, source="command"):
            count = case_purge_expired(today=clock.today())
        self.stdout.write(DONE_MESSAGE.format(count=count))
