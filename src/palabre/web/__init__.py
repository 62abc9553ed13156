"""The web layer: the ASGI application serving the client, the JSON API and /ws."""
