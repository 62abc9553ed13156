"""Blobs in an S3-compatible bucket (boto3; its calls block, so they run in threads like
every BlobStore call). A blob is one object `blobs/<key>`: small ones are one PutObject,
larger ones a multipart upload of PART-sized parts (the memory bound), which S3 shows only
once completed and aborts on error, so no partial blob is ever visible."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from .blobs import CHUNK, Blob, BlobMissing, BlobStore, Tally, new_key

PART = 8 << 20  # bytes of one multipart part (S3's least is 5 MiB, but the last part)


class S3Store(BlobStore):
    def __init__(
        self,
        endpoint: str | None,
        bucket: str,
        access_key: str | None,
        secret_key: str | None,
        region: str = "us-east-1",
        prefix: str = "blobs/",
    ) -> None:
        self.bucket = bucket
        self.prefix = prefix
        self.client: Any = boto3.session.Session().client(
            "s3",
            endpoint_url=endpoint,
            aws_access_key_id=access_key,
            aws_secret_access_key=secret_key,
            region_name=region,
            config=Config(
                s3={"addressing_style": "path"},
                # An S3 server may answer InternalError or SlowDown under load (SeaweedFS
                # did, to an UploadPart, on a busy machine, three times in a row): retried
                # with botocore's exponential backoff, each part being idempotent.
                retries={"max_attempts": 10, "mode": "standard"},
                max_pool_connections=32,
            ),
        )

    def ensure_bucket(self) -> None:
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except ClientError:
            self.client.create_bucket(Bucket=self.bucket)

    def _name(self, key: str) -> str:
        if not key.isalnum():
            raise BlobMissing(key)
        return self.prefix + key

    def put(self, chunks: Iterable[bytes], limit: int | None = None) -> Blob:
        tally = Tally(chunks, limit)
        key = new_key()
        name = self._name(key)
        buffer = bytearray()
        upload_id: str | None = None
        parts: list[dict[str, Any]] = []
        try:
            for chunk in tally:
                buffer += chunk
                while len(buffer) >= PART:
                    if upload_id is None:
                        upload_id = self.client.create_multipart_upload(
                            Bucket=self.bucket, Key=name
                        )["UploadId"]
                    parts.append(self._part(name, upload_id, len(parts) + 1, buffer[:PART]))
                    del buffer[:PART]
            if upload_id is None:
                self.client.put_object(Bucket=self.bucket, Key=name, Body=bytes(buffer))
            else:
                if buffer or not parts:
                    parts.append(self._part(name, upload_id, len(parts) + 1, buffer))
                self.client.complete_multipart_upload(
                    Bucket=self.bucket, Key=name, UploadId=upload_id,
                    MultipartUpload={"Parts": parts},
                )  # fmt: skip
        except BaseException:
            if upload_id is not None:
                self.client.abort_multipart_upload(Bucket=self.bucket, Key=name, UploadId=upload_id)
            raise
        return tally.blob(key)

    def _part(self, name: str, upload_id: str, number: int, data: bytearray) -> dict[str, Any]:
        answer = self.client.upload_part(
            Bucket=self.bucket, Key=name, UploadId=upload_id, PartNumber=number, Body=bytes(data)
        )
        return {"ETag": answer["ETag"], "PartNumber": number}

    def read(self, key: str, start: int = 0, end: int | None = None) -> Iterator[bytes]:
        asked: dict[str, Any] = {"Bucket": self.bucket, "Key": self._name(key)}
        if start or end is not None:
            asked["Range"] = f"bytes={start}-{'' if end is None else end}"
        try:
            body = self.client.get_object(**asked)["Body"]
        except ClientError as exc:
            if _missing(exc):
                raise BlobMissing(key) from None
            if exc.response.get("Error", {}).get("Code") == "InvalidRange":
                return iter(())
            raise
        return self._stream(body)

    @staticmethod
    def _stream(body: Any) -> Iterator[bytes]:
        try:
            yield from body.iter_chunks(CHUNK)
        finally:
            body.close()

    def listing(self) -> Iterator[tuple[str, datetime]]:
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix
        )
        for page in pages:
            for item in page.get("Contents", []):
                yield str(item["Key"]).removeprefix(self.prefix), item["LastModified"]

    def size(self, key: str) -> int:
        try:
            answer = self.client.head_object(Bucket=self.bucket, Key=self._name(key))
        except ClientError as exc:
            if _missing(exc):
                raise BlobMissing(key) from None
            raise
        return int(answer["ContentLength"])

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._name(key))

    def copy(self, key: str) -> str:
        new = new_key()
        if self.size(key) > 4 << 30:  # CopyObject's limit is 5 GB: stream it instead
            return super().copy(key)
        self.client.copy_object(
            Bucket=self.bucket, Key=self._name(new),
            CopySource={"Bucket": self.bucket, "Key": self._name(key)},
        )  # fmt: skip
        return new

    def close(self) -> None:
        self.client.close()


def _missing(exc: ClientError) -> bool:
    code = str(exc.response.get("Error", {}).get("Code", ""))
    return code in ("404", "NoSuchKey", "NotFound")
