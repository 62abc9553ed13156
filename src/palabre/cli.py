"""The `palabre` command."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from . import __version__
from .config import OPTIONS, ConfigError, load_settings


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="palabre",
        description="Palabre: a self-hosted, sovereign video-conferencing server.",
        epilog="Every option of `serve` can also be set as PALABRE_<OPTION> in the environment "
        "or in a TOML file (--config or PALABRE_CONFIG); flags win over the environment, "
        "which wins over the file.",
    )
    parser.add_argument("--version", action="version", version=f"palabre {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    serve = commands.add_parser(
        "serve",
        help="serve the web client, signaling and media",
        description="Serve the web client, the signaling WebSocket and the SFU in one process.",
    )
    serve.add_argument("--config", metavar="FILE", help="TOML file with settings")
    for name, kind, text in OPTIONS:
        flag = "--" + name.replace("_", "-")
        serve.add_argument(flag, dest=name, type=kind, default=None, help=text)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command != "serve":
        parser.print_help()
        return 0 if args.command is None else 2
    flags = {name: getattr(args, name) for name, _, _ in OPTIONS}
    try:
        settings = load_settings(flags, config_file=args.config)
    except ConfigError as exc:
        print(f"palabre: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    from .server import run

    return run(settings)


if __name__ == "__main__":
    sys.exit(main())
