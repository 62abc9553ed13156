"""Palabre: a self-hosted, sovereign video-conferencing server."""

__version__ = "0.1.0"
