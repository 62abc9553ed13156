"""Persistent messaging: channels of a space and direct conversations, messages with threads,
reactions, mentions and pins, read markers, search.

- rules.py: names, bodies, emoji, conversation keys, who hears what (pure).
- mentions.py: `@name` and `@channel` in a text (pure).
- markdown.py: message text to safe HTML, its mentions and plain text (pure).
- stemming.py: French and English stems, search excerpts (pure).
- models.py: the tables (on palabre.db).
- policy.py: may this person read, write or manage this channel, this message; who reads it.
- channels.py: channels and direct conversations: make, list, edit, archive, private lists,
  read markers, notification settings, typing.
- store.py: messages: post (numbered per channel, idempotent by client_id), history,
  threads, changes since a cursor, edit, delete, reactions, pins.
- notices.py: the mentions and notifications a message makes.
- unread.py: unread and mention counts per channel and per space.
- search.py: the full-text index (FTS5 on SQLite, tsvector on PostgreSQL) and its queries.
- views.py: what the API shows: MessageView, ChannelView, pages, search hits.
"""
