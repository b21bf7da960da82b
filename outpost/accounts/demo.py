"""Demo accounts for every role, and a roster of named staff so the map shows who works where.

The roster's staff have no usable password: they exist to be shown, not to sign in.
"""

import random
from dataclasses import dataclass

from django.db import transaction

from outpost.accounts.models import User
from outpost.accounts.roles import Role
from outpost.accounts.services import grant_role
from outpost.geo.models import Grid, PoliceBeat

DEMO_PASSWORD = "gulou-demo-2026"
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑"
    "梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁沈"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文斌宁海燕云峰雪梅晨琳"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    display_name: str
    role: str
    scope_code: str


def demo_accounts() -> list[DemoAccount]:
    """One account per role, placed together around the first grid so their areas meet."""
    grid = Grid.objects.select_related("community", "main_beat__station").order_by("code").first()
    if grid is None or grid.main_beat is None:
        raise RuntimeError("Import the boundaries before creating demo accounts")
    beat, community = grid.main_beat, grid.community
    return [
        DemoAccount("admin", "区管理员", Role.ADMIN, community.code[:6] + "000000"),
        DemoAccount("commander", "街道指挥长", Role.STREET_COMMANDER, community.code[:9] + "000"),
        DemoAccount("duty", "指挥室值班员", Role.DUTY_OFFICER, beat.station.code),
        DemoAccount("leader", "网格长", Role.GRID_LEADER, community.code),
        DemoAccount("gridworker", "网格员", Role.GRID_WORKER, grid.code),
        DemoAccount("officer", "社区民警", Role.COMMUNITY_OFFICER, beat.code),
        DemoAccount("auxiliary", "辅警", Role.AUXILIARY_POLICE, beat.code),
        DemoAccount("reporter", "信息员", Role.REPORTER, grid.code),
        DemoAccount("dept", "城管局办事员", Role.DEPARTMENT_HANDLER, community.code[:6] + "CG"),
        DemoAccount("auditor", "审计员", Role.AUDITOR, community.code[:9] + "000"),
    ]


@transaction.atomic
def create_demo_accounts(password: str = DEMO_PASSWORD) -> list[DemoAccount]:
    accounts = demo_accounts()
    for account in accounts:
        user, created = User.objects.get_or_create(
            username=account.username, defaults={"display_name": account.display_name}
        )
        if created:
            user.set_password(password)
            user.save(update_fields=["password"])
        grant_role(user, account.role, account.scope_code, actor=None)
    return accounts


@transaction.atomic
def create_staff_roster(seed: int = 2026) -> int:
    """A grid worker for every grid and an officer for every beat, with made-up names."""
    rng = random.Random(seed)
    made = 0
    for code in Grid.objects.order_by("code").values_list("code", flat=True):
        made += _staff(f"gw{code}", _name(rng), Role.GRID_WORKER, code)
    for code in PoliceBeat.objects.order_by("code").values_list("code", flat=True):
        made += _staff(f"po{code}", _name(rng), Role.COMMUNITY_OFFICER, code)
    return made


def _staff(username: str, name: str, role: str, scope: str) -> int:
    user, created = User.objects.get_or_create(username=username, defaults={"display_name": name})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    grant_role(user, role, scope, actor=None)
    return int(created)


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
