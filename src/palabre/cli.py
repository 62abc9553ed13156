"""The `palabre` command."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from . import __version__
from .config import OPTIONS, ConfigError, Settings, load_settings


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
        description="Serve the web client, the signaling WebSocket and the SFU: in one process, "
        "or with the rooms in --media-workers SFU worker processes.",
    )
    serve.add_argument("--config", metavar="FILE", help="TOML file with settings")
    for name, kind, text in OPTIONS:
        flag = "--" + name.replace("_", "-")
        if kind is bool:
            serve.add_argument(
                flag, dest=name, action=argparse.BooleanOptionalAction, default=None, help=text
            )
        else:
            serve.add_argument(flag, dest=name, type=kind, default=None, help=text)
    _add_user_commands(commands)
    _add_token_commands(commands)
    return parser


def _settings_options(parser: argparse.ArgumentParser, database: bool) -> None:
    parser.add_argument("--config", metavar="FILE", help="TOML file with settings")
    if database:
        parser.add_argument("--data-dir", dest="data_dir", help="Palabre's data directory")
        parser.add_argument("--database-url", dest="database_url", help="accounts database URL")


def _add_user_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    user = commands.add_parser(
        "user",
        help="manage local accounts (hosts who sign in)",
        description="Manage the local accounts that can sign in; signed-in users are hosts.",
    )
    actions = user.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="add a user (asks for the password)")
    add.add_argument("name", help="user name: a-z, 0-9, '.', '_', '-', '@'")
    add.add_argument("--display-name", help="name shown in meetings (default: the user name)")
    add.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    _settings_options(add, database=True)
    password = actions.add_parser("password", help="set a user's password (asks for it)")
    password.add_argument("name")
    password.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    _settings_options(password, database=True)
    remove = actions.add_parser("remove", help="remove a user")
    remove.add_argument("name")
    _settings_options(remove, database=True)
    listing = actions.add_parser("list", help="list users")
    _settings_options(listing, database=True)


def _add_token_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    token = commands.add_parser(
        "token",
        help="create invitation tokens",
        description="Signed, expiring invitation tokens for portals that embed Palabre.",
    )
    actions = token.add_subparsers(dest="action", metavar="ACTION", required=True)
    create = actions.add_parser(
        "create",
        help="print a signed invitation token",
        description="Print an invitation token for ROOM, signed with jwt_secret (HS256) or "
        "with --private-key (RS256). Guests open /ROOM?token=TOKEN.",
    )
    create.add_argument("--room", required=True, help="room name, or * for any room")
    create.add_argument("--name", help="the guest's display name")
    create.add_argument("--moderator", action="store_true", help="the guest is a moderator")
    create.add_argument(
        "--ttl", type=int, default=24 * 3600, help="seconds until it expires (default 86400)"
    )
    create.add_argument("--private-key", metavar="PEM", help="RSA private key file: sign RS256")
    _settings_options(create, database=False)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "user":
        return _user_command(args)
    if args.command == "token":
        return _token_command(args)
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


def _load(args: argparse.Namespace, *names: str) -> Settings | None:
    flags = {name: getattr(args, name, None) for name in names}
    try:
        return load_settings(flags, config_file=args.config)
    except ConfigError as exc:
        print(f"palabre: {exc}", file=sys.stderr)
        return None


def _user_command(args: argparse.Namespace) -> int:
    from .accounts.users import UserError, add_user, list_users, remove_user, set_password
    from .db import Database

    settings = _load(args, "data_dir", "database_url")
    if settings is None:
        return 2
    db = Database.from_settings(settings)
    try:
        if args.action == "add":
            password = _read_password(args.password_stdin)
            if password is None:
                return 1
            user = add_user(db, args.name, password, args.display_name)
            print(f"added {user.name}")
        elif args.action == "password":
            password = _read_password(args.password_stdin)
            if password is None:
                return 1
            set_password(db, args.name, password)
            print(f"password of {args.name} set")
        elif args.action == "remove":
            remove_user(db, args.name)
            print(f"removed {args.name}")
        else:
            for user in list_users(db):
                kind = "local" if user.local else "oidc"
                created = user.created_at.strftime("%Y-%m-%d")
                print(f"{user.name}\t{user.display_name}\t{kind}\t{created}")
    except UserError as exc:
        print(f"palabre: {exc}", file=sys.stderr)
        return 1
    finally:
        db.close()
    return 0


def _read_password(from_stdin: bool) -> str | None:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    import getpass

    password = getpass.getpass("Password: ")
    if getpass.getpass("Again: ") != password:
        print("palabre: the passwords differ", file=sys.stderr)
        return None
    return password


def _token_command(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .accounts.tokens import create_invitation

    settings = _load(args)
    if settings is None:
        return 2
    try:
        key = Path(args.private_key).read_bytes() if args.private_key else None
        print(
            create_invitation(
                settings,
                args.room,
                name=args.name,
                moderator=args.moderator,
                ttl=args.ttl,
                private_key_pem=key,
            )
        )
    except (OSError, ValueError) as exc:
        print(f"palabre: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
