"""`outpost audit verify|prune`: check the access log's hash chain; remove rows past retention."""

import datetime as dt
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from outpost.core.access import prune_before, verify_chain
from outpost.core.context import request_context

# 《网络安全法》第二十一条: network logs are kept for at least six months.
MIN_RETENTION_DAYS = 183


class Command(BaseCommand):
    help = "Verify the access log's hash chain, or prune rows older than the retention period."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="exit non-zero naming the first row that breaks the chain")
        prune = sub.add_parser("prune", help="remove rows older than the retention period")
        prune.add_argument(
            "--days",
            type=int,
            default=None,
            help="keep this many days (default: OUTPOST_ACCESS_LOG_RETENTION_DAYS)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        translation.activate("zh-hans")
        with request_context("command"):
            if options["action"] == "verify":
                self._verify()
            else:
                self._prune(options["days"])

    def _verify(self) -> None:
        report = verify_chain()
        if not report.ok:
            raise CommandError(f"访问日志被篡改：{report.problem}", returncode=1)
        self.stdout.write(f"访问日志完整：{report.rows} 条，哈希链一致。")

    def _prune(self, days: int | None) -> None:
        days = settings.OUTPOST_ACCESS_LOG_RETENTION_DAYS if days is None else days
        if days < MIN_RETENTION_DAYS:
            raise CommandError(
                f"保留期不得少于 {MIN_RETENTION_DAYS} 天（网络日志至少留存六个月）", returncode=2
            )
        report = verify_chain()
        if not report.ok:
            raise CommandError(f"访问日志被篡改，未清理：{report.problem}", returncode=1)
        cutoff = timezone.now() - dt.timedelta(days=days)
        removed = prune_before(cutoff)
        when = timezone.localtime(cutoff).date().isoformat()
        self.stdout.write(
            f"已删除 {when} 之前的访问日志 {removed} 条；其余记录的哈希链保持可验证。"
        )
