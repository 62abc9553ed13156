"""Notifications: in-app (mentions, replies, invitations) and e-mail digests over SMTP.

- models.py: the table (on palabre.db).
"""
