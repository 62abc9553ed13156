"""The background segmentation's files (client/src/effects, copied from the npm package by
client/vite.config.ts) are served with their types, wasm as application/wasm (which
WebAssembly.instantiateStreaming requires), under a CSP that allows wasm compilation and
no other evaluation."""

from __future__ import annotations

from pathlib import Path

from starlette.testclient import TestClient

from palabre.config import Settings
from palabre.media.sfu import Sfu
from palabre.meeting.codes import MeetingCodes
from palabre.signaling.hub import Hub
from palabre.web.app import create_app
from palabre.web.backend import LocalBackend

FILES = {
    "selfie_segmentation_solution_simd_wasm_bin.wasm": "application/wasm",
    "selfie_segmentation_landscape.tflite": "application/octet-stream",
    "selfie_segmentation.binarypb": "application/octet-stream",
    "selfie_segmentation_solution_simd_wasm_bin.data": "application/octet-stream",
    "selfie_segmentation.js": "text/javascript",
}


def client_for(static_dir: Path) -> TestClient:
    settings = Settings()
    backend = LocalBackend(Hub(Sfu(["127.0.0.1"]), MeetingCodes(b"k" * 32)), settings)
    return TestClient(create_app(backend, settings, static_dir=static_dir))


def test_segmentation_files_served_with_their_types(tmp_path: Path) -> None:
    folder = tmp_path / "assets" / "segmentation-0.1"
    folder.mkdir(parents=True)
    for name in FILES:
        (folder / name).write_bytes(b"\0asm" + bytes(600))
    (tmp_path / "index.html").write_text("<!doctype html><title>x</title>")
    client = client_for(tmp_path)
    for name, kind in FILES.items():
        r = client.get(f"/assets/segmentation-0.1/{name}")
        assert r.status_code == 200, name
        assert r.headers["content-type"].split(";")[0] == kind, (name, r.headers["content-type"])
        assert r.headers["x-content-type-options"] == "nosniff"


def test_csp_allows_wasm_and_no_eval(tmp_path: Path) -> None:
    csp = client_for(tmp_path).get("/a-room").headers["content-security-policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["script-src"] == "'self' 'wasm-unsafe-eval'"
    assert "'unsafe-eval'" not in csp and "unsafe-inline" not in csp
