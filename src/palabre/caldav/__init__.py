"""CalDAV (RFC 4791, with sync-collection, RFC 6578) at /caldav/, served by Radicale behind
Palabre's own plugins: `storage` (the calendars package's rows, no files), `auth` (app
passwords: accounts/app_passwords.py) and `rights` (the calendars package's policy).

- paths.py: what a path names (principal, calendar, object), pure.
- context.py: the request's caller and database session, per thread (Radicale is WSGI).
- storage.py, auth.py, rights.py: the plugins Radicale loads by module name.
- server.py: Radicale's application configured with them, as an ASGI app.
"""
