"""The one Alembic history of every package's tables, run by Database on open (upgrade to head).

A new revision: change the models, then
    .venv/bin/python -m palabre.db.migrations "what changed"
which autogenerates versions/NNNN_*.py against a scratch SQLite database; review it.
"""
