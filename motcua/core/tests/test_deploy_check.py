"""Production settings pass Django's deployment checklist: ``manage.py check --deploy`` with
``MOTCUA_DEBUG=false`` and a real secret key reports no warning (before: W004 no HSTS, W008
no SSL redirect, W012 session cookie not Secure, W016 CSRF cookie not Secure)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def run_check(tmp_path: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("MOTCUA_") and key != "DJANGO_SETTINGS_MODULE"
    }
    env.update(
        MOTCUA_DEBUG="false",
        # 50 characters, varied: Django's W009 refuses a short or repetitive key
        MOTCUA_SECRET_KEY="k7#Qz9!pL2@vX4$mN8^rT1&wY6*bH3(jD5)fG0-sA9+eC2=uIoP7%",
        MOTCUA_ALLOWED_HOSTS="motcua.example.vn",
        MOTCUA_DATA_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="motcua.settings",
        **extra,
    )
    return subprocess.run(  # noqa: S603 - our own interpreter and manage command
        [
            sys.executable,
            "-m",
            "motcua",
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_reports_no_warning(tmp_path):
    done = run_check(tmp_path)

    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues (0 silenced)." in done.stdout
    assert "WARNING" not in done.stdout + done.stderr


def test_behind_a_tls_proxy_the_header_is_configurable(tmp_path):
    done = run_check(
        tmp_path, MOTCUA_SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto: https"
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_malformed_setting_stops_with_its_name(tmp_path):
    done = run_check(tmp_path, MOTCUA_SECURE_PROXY_SSL_HEADER="https")
    assert done.returncode != 0
    assert "MOTCUA_SECURE_PROXY_SSL_HEADER" in done.stderr
