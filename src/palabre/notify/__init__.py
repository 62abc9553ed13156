"""Notifications: in-app (mentions, replies, invitations, direct messages) and e-mail
digests over SMTP.

- models.py: the table (on palabre.db).
- store.py: `add_notification`, called by other packages' operations in their transaction.
- views.py: what the API shows of one, and a page of them.
- inbox.py: a person's notifications, read by pages and marked read.
- levels.py: how much a person hears from a space (all, mentions, none).
- digest.py: the e-mail of what a person missed, in French or English (pure).
- pending.py: the digest job's claims on what is due for e-mail.
- mail.py: the `Mailer` interface: SMTP (aiosmtplib), or no mail at all.
"""
