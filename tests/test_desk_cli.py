"""`saring users ...` and `saring routing ...`: accounts from the CLI, never a default password."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import httpx
import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from desk.services.passwords import verify_password
from saring.cli.main import app
from saring.db.session import session_scope
from saring.db.tables.desk import RoutingRule, User

pytest_plugins = ["desk_fixtures"]
runner = CliRunner()
GOOD = "Kuat-dan-Panjang-2026"


def test_first_admin_from_the_cli(db_url, cheap_hashing):
    result = runner.invoke(
        app, ["users", "add", "admin.kominfo", "--role", "admin", "--password-stdin"], input=GOOD + "\n"
    )
    assert result.exit_code == 0, result.output
    with session_scope(db_url) as session:
        user = session.scalar(select(User).where(User.username == "admin.kominfo"))
        assert user.role == "admin" and verify_password(user.password_hash, GOOD)


def test_prompted_password_must_match_twice(db_url, cheap_hashing):
    result = runner.invoke(app, ["users", "add", "rina.trc", "--role", "trc"], input=f"{GOOD}\n{GOOD}\n")
    assert result.exit_code == 0, result.output
    mismatch = runner.invoke(
        app,
        ["users", "add", "budi.trc", "--role", "trc"],
        input=f"{GOOD}\nlain-sekali-2026\n{GOOD}\n{GOOD}\n",
    )
    assert "do not match" in mismatch.output or "tidak cocok" in mismatch.output.lower()


def test_weak_or_empty_passwords_and_bad_roles_are_refused(db_url, cheap_hashing):
    for password in ("", "pendek", "password123"):
        result = runner.invoke(
            app, ["users", "add", "sari", "--role", "analyst", "--password-stdin"], input=password + "\n"
        )
        assert result.exit_code == 1 and "Gagal" in result.output
    pic = runner.invoke(app, ["users", "add", "andi", "--role", "pic", "--password-stdin"], input=GOOD + "\n")
    assert pic.exit_code == 1 and "SKPD" in pic.output
    with session_scope(db_url) as session:
        assert session.scalars(select(User)).all() == []


def test_list_and_disable(db_url, cheap_hashing):
    runner.invoke(
        app,
        ["users", "add", "andi.dinsos", "--role", "pic", "--skpd", "dinsos", "--password-stdin"],
        input=GOOD + "\n",
    )
    listed = runner.invoke(app, ["users", "list"])
    assert "andi.dinsos" in listed.output and "dinsos" in listed.output
    assert runner.invoke(app, ["users", "disable", "andi.dinsos"]).exit_code == 0
    assert runner.invoke(app, ["users", "disable", "tidak.ada"]).exit_code == 1
    with session_scope(db_url) as session:
        assert session.scalar(select(User.active).where(User.username == "andi.dinsos")) is False


def test_routing_list_and_set(db_url):
    listed = runner.invoke(app, ["routing", "list"])
    assert listed.exit_code == 0 and "dinsos" in listed.output and "bpbd" in listed.output
    result = runner.invoke(
        app, ["routing", "set", "bencana", "satpolpp", "--kecamatan", "Hampang", "--hours-high", "3"]
    )
    assert result.exit_code == 0, result.output
    assert runner.invoke(app, ["routing", "set", "alien", "dinsos"]).exit_code == 1
    with session_scope(db_url) as session:
        rule = session.scalar(select(RoutingRule).where(RoutingRule.kecamatan == "Hampang"))
        assert rule.skpd.code == "satpolpp" and rule.hours_high == 3
    assert "0 item dirutekan" in runner.invoke(app, ["routing", "apply"]).output


@pytest.mark.slow
def test_saring_desk_serves_on_loopback(db_url, tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "SARING_DESK_ROUTE_INTERVAL_S": "0"}
    process = subprocess.Popen(
        [sys.executable, "-m", "saring.cli.main", "desk", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except httpx.TransportError:
                assert process.poll() is None, process.stdout.read()
                time.sleep(0.3)
        else:
            pytest.fail("saring desk did not answer")
        assert health.json() == {"status": "ok"}
        login = httpx.get(f"http://127.0.0.1:{port}/antrean", timeout=5, follow_redirects=True)
        assert login.status_code == 200 and "Masuk ke Meja TRC" in login.text  # redirected to the login page
    finally:
        process.terminate()
        output = process.communicate(timeout=20)[0]
    assert "Belum ada admin" in output  # the first admin comes from the CLI, never a default password
