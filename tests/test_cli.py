"""The `palabre` command line, run as a real process."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

import palabre
from palabre.config import OPTIONS


def palabre_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PALABRE_")}
    environ.update(env or {})
    environ["COLUMNS"] = "100"
    return subprocess.run(
        [sys.executable, "-m", "palabre", *args],
        capture_output=True,
        text=True,
        timeout=30,
        env=environ,
    )


def flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def test_serve_help_lists_every_option() -> None:
    result = palabre_cli("serve", "--help")
    assert result.returncode == 0, result.stderr
    for name, _, help_text in OPTIONS:
        assert flag(name) in result.stdout
        # argparse rewraps help text; compare the words.
        assert " ".join(help_text.split()[:4]) in " ".join(result.stdout.split())
    assert "--config" in result.stdout


def test_main_help() -> None:
    result = palabre_cli("--help")
    assert result.returncode == 0, result.stderr
    assert "serve" in result.stdout
    assert "PALABRE_<OPTION>" in result.stdout
    no_command = palabre_cli()
    assert no_command.returncode == 0
    assert no_command.stdout == result.stdout


def test_main_help_names_the_commands_and_where_options_are() -> None:
    result = palabre_cli("--help")
    assert result.returncode == 0
    for command in ("serve", "user", "token"):
        assert command in result.stdout
    serve_help = palabre_cli("serve", "--help").stdout
    assert all(flag(name) in serve_help for name, _, _ in OPTIONS)


def test_version() -> None:
    result = palabre_cli("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"palabre {palabre.__version__}"


@pytest.mark.parametrize(
    ("args", "env", "needle"),
    [
        (["serve", "--port", "abc"], {}, "--port"),
        (["serve", "--consent-timeout", "soon"], {}, "--consent-timeout"),
        (["serve", "--bogus"], {}, "--bogus"),
        (["serve", "--port", "70000"], {}, "port must be between"),
        (["serve", "--log-level", "loud"], {}, "log_level"),
        (["serve"], {"PALABRE_MEDIA_PORT": "many"}, "PALABRE_MEDIA_PORT"),
        (["serve", "--config", "/nonexistent/palabre.toml"], {}, "/nonexistent/palabre.toml"),
        (["dance"], {}, "dance"),
    ],
)
def test_bad_options_exit_2_naming_them(args: list[str], env: dict[str, str], needle: str) -> None:
    result = palabre_cli(*args, env=env)
    assert result.returncode == 2
    assert needle in result.stderr
    assert "Traceback" not in result.stderr
