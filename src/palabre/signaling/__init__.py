"""Signaling: the WebSocket protocol of docs/protocol.md and what it drives."""
