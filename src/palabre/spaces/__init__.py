"""Team spaces: the home of a team or a project, its members (inside and outside the
organisation), their roles and per-module access, invitations, and the activity feed.

- rules.py: roles, modules, access levels and who may do what (pure).
- models.py: the tables (on palabre.db).
- policy.py: the one authorization door: `membership`, `authorize`.
- store.py: the operations, in the caller's transaction, returning views and bus events.
- views.py: what the API shows of a space.
"""
