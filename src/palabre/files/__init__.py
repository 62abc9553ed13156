"""Space files: folders and files of a space, their versions, trash and quota; their content
in a blob store; resumable uploads (tus) and WebDAV (docs/files.md).

- names.py, sniff.py, ranges.py: the pure rules (names, content types, HTTP ranges).
- blobs.py: the BlobStore interface and the local-directory store; s3.py: the S3 store;
  stores.py: the one the settings name.
- models.py: the tables; policy.py: who may read, write, administer; views.py: what the API
  sees.
- tree.py: folders, rename, move, copy, trash, restore, delete forever; content.py: uploads'
  targets, new files and versions, downloads, versions; quota.py: usage and quota;
  zipstream.py: a folder as a streamed ZIP.
- tus.py: the tus protocol's headers; uploads.py: resumable uploads under way.
- dav.py: the WsgiDAV provider of WebDAV at /dav/ (web/dav.py mounts it).
- previews.py: what a file's preview is (a thumbnail, a text's first KB); thumbnails.py:
  thumbnails of images and PDF first pages, made safely and cached by content.
- antivirus.py: uploads passed to ClamAV's clamd (INSTREAM), its verdict recorded.
- shares.py, share_views.py: share links and what their visitors reach; sweep.py: the
  housekeeping job (expired uploads, orphan blobs).
"""
