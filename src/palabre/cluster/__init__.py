"""Several processes on one machine: SFU workers behind the main process (--media-workers)."""
