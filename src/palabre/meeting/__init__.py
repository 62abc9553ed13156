"""Meetings: rooms, participants and their state. Pure Python, no I/O."""
