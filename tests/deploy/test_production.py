"""The production stack as docs/deploy.md builds it: nginx (TLS, the app's body limit, static
files) in front of two gunicorn processes, the background worker and the sweep loop, all on a
fresh PostgreSQL database in production mode. Run by `.ci/run` after the suites
(`pytest -m deploy`); it needs DATABASE_URL to name a PostgreSQL server."""

import base64
import datetime as dt
import json
import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from shapely.geometry import shape

pytestmark = pytest.mark.deploy

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PASSWORD = "a-long-production-password-2026"
MAX_BODY = 2 * 1024 * 1024  # the app's limit in this stack: nginx must refuse above it


@dataclass
class Stack:
    https: str  # through nginx
    http: str  # nginx's plain port: redirects
    first: str  # the first gunicorn process, directly
    second: str  # the second gunicorn process, directly
    ca: Path
    grid_point: tuple[float, float]
    processes: dict[str, subprocess.Popen[bytes]]
    logs: Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _signed(
    subject: str, key: ec.EllipticCurvePrivateKey, issuer: x509.Name, signer: Any, ca: bool
) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if not ca:
        names = x509.SubjectAlternativeName([x509.DNSName("localhost")])
        builder = builder.add_extension(names, critical=False)
    return builder.sign(signer, hashes.SHA256())


def _certificate(folder: Path) -> tuple[Path, Path, Path]:
    """A test CA (trusted by the test's client) and nginx's certificate for localhost."""
    ca_key, site_key = (
        ec.generate_private_key(ec.SECP256R1()),
        ec.generate_private_key(ec.SECP256R1()),
    )
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Outpost test CA")])
    ca = _signed("Outpost test CA", ca_key, ca_name, ca_key, ca=True)
    site = _signed("localhost", site_key, ca_name, ca_key, ca=False)
    paths = folder / "ca.crt", folder / "site.crt", folder / "site.key"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(site.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(_key_pem(site_key))
    return paths


def _database(url: str, name: str, create: bool) -> str:
    import psycopg

    server = url.rsplit("/", 1)[0]
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if create:
            admin.execute(f'CREATE DATABASE "{name}"')
    return f"{server}/{name}"


def _outpost(env: dict[str, str], *args: str, stdin: str = "") -> str:
    done = subprocess.run(
        [str(BIN / "outpost"), *args], env=env, input=stdin, capture_output=True, text=True
    )
    assert done.returncode == 0, f"outpost {' '.join(args)}: {done.stderr[-3000:]}"
    return done.stdout


def _nginx_conf(folder: Path, site: Path) -> Path:
    for temp in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (folder / temp).mkdir(exist_ok=True)
    main = folder / "nginx.conf"
    main.write_text(
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"pid {folder}/nginx.pid;\nerror_log {folder}/nginx-error.log;\ndaemon off;\n"
        + "events { worker_connections 256; }\nhttp {\n  include /etc/nginx/mime.types;\n"
        + f"  access_log {folder}/nginx-access.log;\n"
        + "".join(f"  {t}_temp_path {folder}/{t};\n" for t in ("proxy", "fastcgi", "uwsgi", "scgi"))
        + f"  client_body_temp_path {folder}/body;\n  include {site};\n}}\n"
    )
    return main


def _start(name: str, command: list[str], env: dict[str, str], logs: Path) -> subprocess.Popen:
    out = (logs / f"{name}.log").open("wb")
    return subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)


def _wait_for(url: str, ca: Path, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            requests.get(url, verify=str(ca), timeout=10, allow_redirects=False)
            return
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer in {seconds}s")


def _environment(folder: Path, database: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database,
        "OUTPOST_ENV": "production",
        "OUTPOST_SECRET_KEY": secrets.token_urlsafe(48),
        "OUTPOST_FIELD_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "OUTPOST_VAR_DIR": str(folder / "var"),
        "OUTPOST_ALLOWED_HOSTS": "localhost,127.0.0.1",
        "OUTPOST_REQUIRE_TOTP": "false",  # the account has no authenticator in this test
        "OUTPOST_MAX_REQUEST_BYTES": str(MAX_BODY),
        "OUTPOST_LANGUAGE": "en",
        "OUTPOST_WORKERS": "2",
    }


def _first_grid() -> tuple[str, tuple[float, float]]:
    grids = json.loads((ROOT / "data/gulou/grids.geojson").read_text())["features"]
    point = shape(grids[0]["geometry"]).representative_point()
    return grids[0]["properties"]["code"], (point.x, point.y)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        pytest.fail("The production test runs on PostgreSQL: set DATABASE_URL (.ci/run does)")
    folder = tmp_path_factory.mktemp("deploy")
    database = _database(url, f"outpost_deploy_{os.getpid()}", create=True)
    ports = {name: _free_port() for name in ("http", "https", "a", "b")}
    env = _environment(folder, database)
    grid, point = _first_grid()
    _outpost(env, "migrate", "--noinput", "--verbosity", "0")
    _outpost(env, "geo", "import", str(ROOT / "data/gulou"))
    _outpost(env, "cases", "load-taxonomy")
    for user in ("worker", "locked"):
        role = ["--role", "grid_worker", "--scope", grid]
        _outpost(env, "users", "add", user, *role, "--password-stdin", stdin=PASSWORD)
    _outpost(env, "collectstatic", "--noinput", "--verbosity", "0")
    ca, crt, key = _certificate(folder)
    _outpost(
        env,
        *["deploy", "render", "--to", str(folder / "conf"), "--server-name", "localhost"],
        *["--certificate", str(crt), "--certificate-key", str(key)],
        *["--http-port", str(ports["http"]), "--https-port", str(ports["https"])],
        *["--upstream", f"127.0.0.1:{ports['a']}", "--upstream", f"127.0.0.1:{ports['b']}"],
    )
    gunicorn = [str(BIN / "gunicorn"), "-c", str(ROOT / "outpost/core/deploy/gunicorn.conf.py")]
    processes = {
        f"web-{p}": _start(
            f"web-{p}",
            [*gunicorn, "outpost.wsgi"],
            {**env, "OUTPOST_BIND": f"127.0.0.1:{ports[p]}"},
            folder,
        )
        for p in ("a", "b")
    }
    processes["worker"] = _start("worker", [str(BIN / "outpost"), "db_worker"], env, folder)
    sweep = [str(BIN / "outpost"), "cases", "sweep", "--loop", "2"]
    processes["sweep"] = _start("sweep", sweep, env, folder)
    conf = _nginx_conf(folder, folder / "conf/outpost.nginx.conf")
    processes["nginx"] = _start("nginx", ["/usr/sbin/nginx", "-c", str(conf)], env, folder)
    https = f"https://localhost:{ports['https']}"
    try:
        for where in (https, f"http://127.0.0.1:{ports['a']}", f"http://127.0.0.1:{ports['b']}"):
            _wait_for(f"{where}/accounts/login/", ca)
        yield Stack(
            https=https,
            http=f"http://localhost:{ports['http']}",
            first=f"http://127.0.0.1:{ports['a']}",
            second=f"http://127.0.0.1:{ports['b']}",
            ca=ca,
            grid_point=point,
            processes=processes,
            logs=folder,
        )
    finally:
        for process in processes.values():
            process.terminate()
        for process in processes.values():
            process.wait(timeout=30)
        _database(url, f"outpost_deploy_{os.getpid()}", create=False)


def _signed_in(stack: Stack, username: str = "worker") -> requests.Session:
    browser = requests.Session()
    browser.trust_env = False  # REQUESTS_CA_BUNDLE in the environment would replace `verify`
    browser.verify = str(stack.ca)
    login = f"{stack.https}/accounts/login/"
    browser.get(login)
    answer = browser.post(
        login,
        data={
            "csrfmiddlewaretoken": browser.cookies["csrftoken"],
            "username": username,
            "password": PASSWORD,
        },
        headers={"Referer": login},
    )
    assert answer.ok and "/accounts/login/" not in answer.url, answer.text[:500]
    return browser


def _on_second_process(stack: Stack, browser: requests.Session, path: str) -> requests.Response:
    """The same signed-in browser's request, sent to the second gunicorn directly (as nginx
    would: it says the request came over TLS)."""
    cookies = "; ".join(f"{c.name}={c.value}" for c in browser.cookies)
    headers = {"Cookie": cookies, "X-Forwarded-Proto": "https", "Host": "localhost"}
    return requests.get(f"{stack.second}{path}", headers=headers, allow_redirects=False)


def test_it_serves_over_tls_with_the_security_headers(stack: Stack) -> None:
    plain = requests.get(f"{stack.http}/cases/", allow_redirects=False)
    assert plain.status_code == 301
    assert plain.headers["Location"] == f"{stack.https}/cases/"
    page = requests.get(f"{stack.https}/accounts/login/", verify=str(stack.ca))
    assert page.status_code == 200
    assert "max-age=" in page.headers["Strict-Transport-Security"]
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["X-Frame-Options"] == "DENY"
    assert "Secure" in page.headers["Set-Cookie"]
    assert "nginx/" not in page.headers.get("Server", "")  # no version told


def test_it_sends_static_files_from_nginx_and_keeps_uploads_behind_the_app(stack: Stack) -> None:
    css = requests.get(f"{stack.https}/static/outpost/site.css", verify=str(stack.ca))
    assert css.status_code == 200 and css.headers["Content-Type"] == "text/css"
    assert "Expires" in css.headers  # nginx's location, not the app (which sends no Expires)
    media = requests.get(f"{stack.https}/media/", verify=str(stack.ca), allow_redirects=False)
    assert media.status_code in (302, 404)  # the app answers: nothing on disk is listed


def test_it_refuses_a_body_over_the_apps_limit_at_nginx(stack: Stack) -> None:
    browser = _signed_in(stack)
    big = b"x" * (MAX_BODY + 1024 * 1024)
    refused = browser.post(f"{stack.https}/api/v1/cases", data=big)
    assert refused.status_code == 413
    assert "<center>nginx</center>" in refused.text  # nginx answered; the app read nothing


def test_it_shows_a_case_reported_through_nginx_to_the_second_process_at_once(
    stack: Stack,
) -> None:
    browser = _signed_in(stack)
    lon, lat = stack.grid_point
    body: dict[str, Any] = {"subtype": "0101", "title": "楼道堆物堵塞通道", "lon": lon, "lat": lat}
    made = browser.post(
        f"{stack.https}/api/v1/cases",
        json=body,
        headers={"X-CSRFToken": str(browser.cookies["csrftoken"]), "Referer": stack.https + "/"},
    )
    assert made.status_code == 201, made.text[:500]
    number = made.json()["number"]
    seen = _on_second_process(stack, browser, f"/api/v1/cases/{number}")
    assert seen.status_code == 200, seen.text[:300]
    assert seen.json()["title"] == "楼道堆物堵塞通道"
    assert seen.json()["grid_code"] == made.json()["grid_code"] != ""


def _sign_in_directly(process: str, username: str, password: str) -> requests.Response:
    """A sign-in sent straight to one gunicorn process, as nginx forwards it."""
    proxied = {"X-Forwarded-Proto": "https", "Host": "localhost", "Accept-Language": "en"}
    form = requests.get(f"{process}/accounts/login/", headers=proxied)
    token = form.cookies["csrftoken"]
    return requests.post(
        f"{process}/accounts/login/",
        data={"csrfmiddlewaretoken": token, "username": username, "password": password},
        headers={
            **proxied,
            "Cookie": f"csrftoken={token}",
            "Referer": "https://localhost/accounts/login/",
        },
        allow_redirects=False,
    )


def test_it_counts_failed_sign_ins_across_processes(stack: Stack) -> None:
    """Five wrong passwords on one process lock the account on the other: the limits are kept
    in the database, not in one process's memory."""
    assert _sign_in_directly(stack.first, "locked", "wrong-password-1").status_code == 200
    for _ in range(4):
        _sign_in_directly(stack.first, "locked", "wrong-password-1")
    refused = _sign_in_directly(stack.second, "locked", PASSWORD)
    assert refused.status_code == 200  # the form again, not the redirect of a sign-in
    assert "Too many failed sign-ins" in refused.text


def test_it_keeps_the_worker_and_the_sweep_running(stack: Stack) -> None:
    time.sleep(3)
    for name in ("worker", "sweep", "web-a", "web-b", "nginx"):
        assert stack.processes[name].poll() is None, (stack.logs / f"{name}.log").read_text()
    assert "loop started" in (stack.logs / "sweep.log").read_text()
