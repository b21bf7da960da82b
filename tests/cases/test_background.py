"""The sweep loop and the webhook sender keep going when one round or one delivery breaks, say
so in the log, and stop cleanly when asked (SIGTERM or SIGINT: finish the round, exit 0)."""

import base64
import logging
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings

from outpost.cases.models import WebhookDelivery, WebhookSubscription
from outpost.cases.webhooks import deliver_due
from outpost.core.crypto import encrypt
from outpost.geo.models import Grid
from tests.cases.conftest import file_case
from tests.cases.test_webhooks import Receiver, subscribe
from tests.cases.test_webhooks import receiver as receiver  # the fixture, re-exported
from tests.conftest import Persona


@pytest.mark.django_db
def test_it_delivers_the_others_when_one_delivery_breaks(
    home_grid: Grid,
    grid_worker: Persona,
    commander: Persona,
    receiver: Receiver,
    settings: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    broken = subscribe(commander, receiver.url + "?old", ["report"]).json()["id"]
    subscribe(commander, receiver.url, ["report"])
    # A subscription kept from before the field key was changed: its secret cannot be read.
    current = settings.OUTPOST_FIELD_KEY
    settings.OUTPOST_FIELD_KEY = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    WebhookSubscription.objects.filter(pk=broken).update(secret_enc=encrypt("old secret"))
    settings.OUTPOST_FIELD_KEY = current
    file_case(home_grid, grid_worker.user)
    with caplog.at_level(logging.INFO, logger="outpost"):
        assert deliver_due() == {"delivered": 1, "retry": 1, "failed": 0}
    assert len(receiver.received) == 1 and receiver.events() == ["case.report"]
    failed = [r for r in caplog.records if "webhook delivery failed" in r.getMessage()]
    assert len(failed) == 1 and failed[0].levelname == "WARNING"
    broken_delivery = WebhookDelivery.objects.get(subscription_id=broken)
    assert f"delivery={broken_delivery.pk}" in failed[0].getMessage()


def _start_loop(var_dir: Path) -> subprocess.Popen[str]:
    """`outpost cases sweep --loop 1` against a database that has no tables yet (a deployment
    started before its migration ran): every round fails until it exists."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {"OUTPOST_VAR_DIR": str(var_dir), "PYTHONPATH": str(django_settings.BASE_DIR)}
    command = [sys.executable, "-m", "outpost", "cases", "sweep", "--loop", "1"]
    return subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)


def _read_until(loop: subprocess.Popen[str], wanted: str, times: int) -> list[str]:
    assert loop.stderr is not None
    lines: list[str] = []
    deadline = time.monotonic() + 60
    while sum(wanted in line for line in lines) < times:
        assert time.monotonic() < deadline, lines
        line = loop.stderr.readline()
        assert line or loop.poll() is None, lines  # the loop must not have died
        lines.append(line)
    return lines


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_it_keeps_sweeping_after_a_failed_round_and_stops_when_asked(
    tmp_path: Path, stop: signal.Signals
) -> None:
    loop = _start_loop(tmp_path)
    try:
        seen = _read_until(loop, "round failed", times=2)  # the second round ran after the first
        loop.send_signal(stop)
        _, rest = loop.communicate(timeout=30)
    finally:
        if loop.poll() is None:
            loop.kill()
    text = "".join(seen) + rest
    assert loop.returncode == 0, text
    assert "level=ERROR logger=outpost.cases" in text and "no such table" in text
    assert f"stopping after this round signal={stop.name}" in text
    assert "loop stopped rounds=" in text
