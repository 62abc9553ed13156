"""The signaling protocol (docs/protocol.md), typed both ways from one schema.

base.py holds what every frame shares, client.py the requests a client sends, server.py the
events the server sends, version.py the versions spoken; the TypeScript types of the browser
client are generated from these structs (palabre.signaling.schema).
"""
