"""Identity: local accounts, OpenID Connect sign-in, invitation tokens.

- passwords.py: argon2id hashing.
- users.py: the User model (on palabre.db) and the operations the CLI and the sign-in use.
- tokens.py: signed, expiring invitation tokens (JWT).
- oidc.py: OpenID Connect sign-in with Authlib.
- identity.py: who is behind an HTTP request or a WebSocket.
"""
