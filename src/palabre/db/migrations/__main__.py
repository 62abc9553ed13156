"""Autogenerate the next migration from the models: python -m palabre.db.migrations MSG"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from alembic import command
from alembic.config import Config

from ..database import MIGRATIONS, Database


def main(message: str) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        db = Database(f"sqlite:///{Path(scratch) / 'scratch.db'}")  # migrated to head
        numbers = [int(p.name[:4]) for p in (MIGRATIONS / "versions").glob("[0-9]*.py")]
        revision = f"{max(numbers, default=0) + 1:04d}"
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.set_main_option("file_template", "%%(rev)s_%%(slug)s")
        with db.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.revision(config, message, autogenerate=True, rev_id=revision)
        db.close()


if __name__ == "__main__":
    main(" ".join(sys.argv[1:]) or "change")
