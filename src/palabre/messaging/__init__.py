"""Persistent messaging: channels of a space and direct conversations, messages with threads,
reactions, mentions and pins, read markers, search.

- models.py: the tables (on palabre.db).
- policy.py: may this person read, write or manage this channel.
"""
