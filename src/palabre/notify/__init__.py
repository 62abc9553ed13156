"""Notifications: in-app (mentions, replies, invitations, direct messages) and e-mail
digests over SMTP.

- models.py: the table (on palabre.db).
- store.py: `add_notification`, called by other packages' operations in their transaction.
- views.py: what the API shows of one.
- mail.py: the `Mailer` interface: SMTP (aiosmtplib), or no mail at all.
"""
