"""The blob store the settings name: the data directory's blobs/ or an S3 bucket."""

from __future__ import annotations

from pathlib import Path

from ..config import Settings
from .blobs import BlobStore, LocalStore


def store_for(settings: Settings) -> BlobStore:
    if settings.blob_store == "local":
        return LocalStore(Path(settings.data_dir) / "blobs")
    if settings.blob_store == "s3":
        from .s3 import S3Store

        store = S3Store(
            settings.s3_endpoint, settings.s3_bucket, settings.s3_access_key,
            settings.s3_secret_key, settings.s3_region, settings.s3_prefix,
        )  # fmt: skip
        store.ensure_bucket()
        return store
    raise ValueError(f"blob_store is local or s3, not {settings.blob_store!r}")
