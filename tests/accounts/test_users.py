"""Local accounts: argon2id hashes, add, remove, list, authenticate."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from palabre.accounts.passwords import hash_password, hasher_for, verify_password
from palabre.accounts.users import (
    User,
    UserError,
    add_user,
    authenticate,
    get_user,
    list_users,
    oidc_user,
    remove_user,
)
from palabre.config import Settings
from palabre.db import Database, database_url


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    """The accounts on SQLite, then on a real PostgreSQL server."""
    database = Database(database_url)
    yield database
    database.close()


def test_production_hashes_cost_what_rfc_9106_asks_and_tests_choose_the_cheapest() -> None:
    production = hasher_for("")
    assert (production.time_cost, production.memory_cost, production.parallelism) == (3, 65536, 4)
    assert production.hash("x" * 8).startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    cheap = hasher_for("cheapest")
    assert (cheap.time_cost, cheap.memory_cost, cheap.parallelism) == (1, 8, 1)
    with pytest.raises(ValueError, match="PALABRE_PASSWORD_PROFILE"):
        hasher_for("fast")


def test_password_hash_is_argon2id_and_verifies() -> None:
    hashed = hash_password("correct horse")
    assert hashed.startswith("$argon2id$")
    assert verify_password(hashed, "correct horse")
    assert not verify_password(hashed, "wrong horse")
    assert not verify_password(None, "anything")
    assert not verify_password("not a hash", "anything")


def test_add_list_remove(db: Database) -> None:
    alice = add_user(db, "Alice", "s3cret-pass", display_name="Alice Liddell")
    add_user(db, "bob", "another-pass")
    assert alice.name == "alice" and alice.display_name == "Alice Liddell" and alice.local
    assert [u.name for u in list_users(db)] == ["alice", "bob"]
    assert get_user(db, "bob") is not None and get_user(db, "bob").display_name == "bob"  # type: ignore[union-attr]
    remove_user(db, "ALICE")
    assert [u.name for u in list_users(db)] == ["bob"]
    with pytest.raises(UserError, match="no user"):
        remove_user(db, "alice")


def test_password_is_stored_hashed(db: Database) -> None:
    add_user(db, "alice", "s3cret-pass")
    with db.session() as session:
        stored = session.scalar(select(User.password_hash))
    assert stored is not None and stored.startswith("$argon2id$") and "s3cret" not in stored


def test_add_rejects_duplicates_bad_names_and_short_passwords(db: Database) -> None:
    add_user(db, "alice", "s3cret-pass")
    with pytest.raises(UserError, match="exists"):
        add_user(db, "ALICE", "s3cret-pass")
    for bad in ("", "-x", "a b", "a/b", "x" * 65, "<script>"):
        with pytest.raises(UserError, match="user name"):
            add_user(db, bad, "s3cret-pass")
    with pytest.raises(UserError, match="at least 8"):
        add_user(db, "carol", "short")


def test_authenticate(db: Database) -> None:
    add_user(db, "alice", "s3cret-pass")
    user = authenticate(db, "Alice", "s3cret-pass")
    assert user is not None and user.name == "alice"
    assert authenticate(db, "alice", "wrong-pass") is None
    assert authenticate(db, "nobody", "s3cret-pass") is None
    assert authenticate(db, "alice", "") is None


def test_oidc_users_are_created_once_with_a_free_name(db: Database) -> None:
    add_user(db, "ada", "s3cret-pass")
    first = oidc_user(db, "https://idp", "sub-1", "Ada", "Ada Lovelace")
    assert first.name == "ada-2" and first.display_name == "Ada Lovelace" and not first.local
    again = oidc_user(db, "https://idp", "sub-1", "ada", "Ada King")
    assert again.name == "ada-2" and again.display_name == "Ada King"
    other = oidc_user(db, "https://other-idp", "sub-1", "ada@example.org", None)
    assert other.name == "ada@example.org"
    # An OIDC account has no password: it cannot sign in with the form.
    assert authenticate(db, "ada-2", "") is None


def test_sqlite_file_in_data_dir(tmp_path: Path) -> None:
    settings = Settings(data_dir=str(tmp_path / "data"))
    assert database_url(settings) == f"sqlite:///{tmp_path / 'data' / 'palabre.db'}"
    database = Database.from_settings(settings)
    add_user(database, "alice", "s3cret-pass")
    database.close()
    path = tmp_path / "data" / "palabre.db"
    assert path.stat().st_mode & 0o077 == 0
    reopened = Database.from_settings(settings)
    assert [u.name for u in list_users(reopened)] == ["alice"]
    reopened.close()
    assert database_url(Settings(database_url="postgresql://x/y")) == "postgresql://x/y"


def test_migrations_build_the_models_schema(database_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from palabre.db import Base
    from palabre.db.database import MIGRATIONS
    from palabre.db.migrations.hand_made import include_object

    (head,) = ScriptDirectory(str(MIGRATIONS)).get_heads()  # one history, one head

    url = database_url
    database = Database(url)
    database.close()
    database = Database(url)  # opening again finds nothing to do
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_object": include_object})
        assert context.get_current_revision() == head
        assert compare_metadata(context, Base.metadata) == []
    database.close()
