"""`outpost demo`: load the 鼓楼区 demo district and print the demo accounts."""

import lzma
import time
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from outpost.accounts.demo import DEMO_PASSWORD, create_demo_accounts, create_staff_roster
from outpost.accounts.roles import Role
from outpost.core.context import request_context
from outpost.geo.boundaries import BoundaryImportRefused, import_boundaries


class Command(BaseCommand):
    help = "Load the 鼓楼区 demo district (boundaries, staff, demo accounts)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--data", type=Path, default=settings.BASE_DIR / "data" / "gulou")

    def handle(self, *args: Any, **options: Any) -> None:
        translation.activate("zh-hans")
        with request_context("command"):
            try:
                report = import_boundaries(options["data"])
            except BoundaryImportRefused as refused:
                raise CommandError("\n".join(str(p) for p in refused.problems)) from None
            counts = report.counts
            self.stdout.write(
                f"边界：{counts['grid_created'] + counts['grid_unchanged']} 个网格，"
                f"{counts['beat_created'] + counts['beat_unchanged']} 个警务区"
            )
            self._load_registry(options["data"])
            self._load_cases()
            staff = create_staff_roster()
            self.stdout.write(f"人员：新建 {staff} 名网格员/民警（仅用于展示，不能登录）")
            accounts = create_demo_accounts()
            self._load_command_room(options["data"])
        self._print_accounts(accounts)

    def _load_registry(self, folder: Path) -> None:
        """一标三实: addresses first, then the people, houses and organisations on them."""
        from outpost.registry.imports import run_import

        for kind, label in (
            ("addresses", "标准地址"),
            ("persons", "实有人口"),
            ("houses", "实有房屋"),
            ("units", "实有单位"),
        ):
            data, name = _read_demo_file(folder, kind)
            started = time.monotonic()
            result = run_import(kind, data, name)
            c = result.counts
            self.stdout.write(
                f"{label}：新建 {c['created']}，未变 {c['unchanged']}，合并 {c['merged']}，"
                f"拒绝 {c['rejected']}（{time.monotonic() - started:.1f} 秒）"
            )

    def _load_cases(self) -> None:
        from outpost.cases.history import generate_history
        from outpost.cases.taxonomy import load_taxonomy

        started = time.monotonic()
        subtypes = load_taxonomy()
        made = generate_history()
        self.stdout.write(
            f"事件：{subtypes} 个小类；生成近 90 天历史事件 {made} 件"
            f"（{time.monotonic() - started:.1f} 秒）"
        )

    def _load_command_room(self, folder: Path) -> None:
        """The room's roster and reporters, instructions in flight, and the 110 sample diverted."""
        from outpost.calls.intake import read_calls
        from outpost.calls.services import divert_calls
        from outpost.command.demo import create_demo_room
        from outpost.instructions.demo import create_demo_instructions

        create_demo_room(DEMO_PASSWORD)
        made = create_demo_instructions()
        sample = folder / "calls_110_sample.csv"
        outcomes = divert_calls(read_calls(sample.read_bytes(), sample.name))
        diverted = sum(1 for o in outcomes if o.decision == "divert")
        self.stdout.write(
            f"指挥室：值班表与 8 大员；指令 {made['instructions']} 条，"
            f"虚拟网格 {made['groups']} 个；110 警情 {len(outcomes)} 条，分流 {diverted} 条"
        )

    def _print_accounts(self, accounts: list[Any]) -> None:
        from outpost.accounts.models import RoleAssignment

        self.stdout.write(f"\n演示账号（密码均为 {DEMO_PASSWORD}）：")
        for account in accounts:
            scope = RoleAssignment.objects.get(
                user__username=account.username, role=account.role
            ).scope_name
            role = Role(account.role).label
            self.stdout.write(f"  {account.username:<12} {role:<10} {scope} ({account.scope_code})")
        self.stdout.write(
            "  另有 8 大员账号 baoan、zhiyuan、wuye、kuaidi、waimai、lianluo、tiaojie（同一密码）"
        )
        self.stdout.write("\n打开 http://127.0.0.1:8000/ 并用以上任一账号登录。")


DEMO_FILES = {
    "addresses": "addresses.csv",
    "persons": "persons.csv",
    "houses": "houses.csv",
    "units": "units.csv",
}


def _read_demo_file(folder: Path, kind: str) -> tuple[bytes, str]:
    name = DEMO_FILES[kind]
    plain, packed = folder / name, folder / f"{name}.xz"
    if plain.exists():
        return plain.read_bytes(), name
    return lzma.decompress(packed.read_bytes()), name
