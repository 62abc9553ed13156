"""The camera's background, blurred or replaced in the browser (client/src/effects): the
frames sent differ from the camera's, the model is fetched from Palabre only once chosen, and
no request goes to another origin."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from browser_helpers import join_from_home, my_id, new_page, wait_connected, wait_for

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SEGMENTATION = "/assets/segmentation-"

# A frame of a track as the page sees it: its mean colour and its sharpness (the mean square
# difference between neighbouring pixels: a blur spreads each edge, which brings it down).
FRAME_JS = """async (which) => {
  const p = window.__palabre, bg = window.__palabreBackground;
  let track = null;
  if (which === "sent") {
    track = p.pub.getSenders().map((s) => s.track).find((t) => t && t.kind === "video");
  } else if (which === "camera") {
    track = bg.sources()[0] || null;
  } else {
    const r = p.session.remote.find((r) => r.participant === which && r.kind === "video"
      && r.source === "camera");
    track = r ? r.media : null;
  }
  if (!track) return null;
  const v = document.createElement("video");
  v.muted = true;
  v.srcObject = new MediaStream([track]);
  await v.play();
  await new Promise((r) => v.requestVideoFrameCallback(() => r()));
  const w = v.videoWidth, h = v.videoHeight;
  const c = document.createElement("canvas");
  c.width = w; c.height = h;
  const x = c.getContext("2d", { willReadFrequently: true });
  x.drawImage(v, 0, 0);
  const d = x.getImageData(0, 0, w, h).data;
  v.srcObject = null;
  let r = 0, g = 0, b = 0, edge = 0;
  for (let i = 0; i < d.length; i += 4) {
    r += d[i]; g += d[i + 1]; b += d[i + 2];
    if ((i / 4) % w) edge += (d[i + 1] - d[i - 3]) ** 2;
  }
  const n = w * h;
  return { id: track.id, w, h, r: r / n, g: g / n, b: b / n, sharpness: edge / n };
}"""

STATS_JS = "() => window.__palabreBackground.stats()"


async def frame(page: Any, which: str) -> dict[str, Any] | None:
    value: dict[str, Any] | None = await page.evaluate(FRAME_JS, which)
    return value


async def pick(page: Any, scope: str, value: str) -> None:
    """Chooses a background with the keyboard: focus on the checked one, arrows to `value`."""
    radios = f"{scope} input[type=radio]"
    values: list[str] = await page.eval_on_selector_all(radios, "els => els.map(e => e.value)")
    checked: str = await page.eval_on_selector(f"{radios}:checked", "e => e.value")
    await page.focus(f'{radios}[value="{checked}"]')
    steps = values.index(value) - values.index(checked)
    for _ in range(abs(steps)):
        await page.keyboard.press("ArrowRight" if steps > 0 else "ArrowLeft")
    now = await page.eval_on_selector(f"{radios}:checked", "e => e.value")
    status = await page.eval_on_selector(f"{scope} .bg-status", "e => e.textContent")
    assert now == value, (now, status)


async def test_blur_and_image_change_what_is_sent(
    browser: Any, web_server: Any, artifacts: Path
) -> None:
    base = web_server.http_url
    ada, ada_log = await new_page(browser, "Ada", send=None)  # 720p: the blur measured as before
    requested: list[str] = []
    types: dict[str, str] = {}
    ada.on("request", lambda req: requested.append(req.url))
    ada.on("websocket", lambda ws: requested.append(ws.url))
    ada.on("response", lambda r: types.update({r.url: r.headers.get("content-type", "")}))

    await ada.goto(base + "/garden-party")
    await ada.wait_for_selector("#prejoin-background")
    await ada.wait_for_function("() => document.querySelector('video.preview').videoWidth > 0")
    # Nothing of the model is fetched until a background is chosen.
    assert not [u for u in requested if SEGMENTATION in u]

    await pick(ada, "#prejoin-background", "blur")
    stats = await wait_for(
        lambda: ada.evaluate(STATS_JS),
        lambda s: len(s) == 1 and s[0]["segmentations"] >= 3 and s[0]["frames"] >= 5,
        timeout=90,
        what="frames through the background processor",
    )
    wasm = [u for u in types if SEGMENTATION in u and u.endswith(".wasm")]
    assert wasm and all(types[u] == "application/wasm" for u in wasm), types
    assert await ada.text_content("#prejoin-bg-status") == ""

    await ada.fill("#display-name", "Ada")
    await ada.click("#join-meeting")
    await wait_connected(ada)
    ada_id = await my_id(ada)

    # What Ada's browser sends is the processed track: blurred, unlike the camera's frames.
    sent = await frame(ada, "sent")
    camera = await frame(ada, "camera")
    assert sent and camera, (sent, camera)
    assert sent["id"] != camera["id"]
    assert sent["sharpness"] < 0.6 * camera["sharpness"], (sent, camera)

    # Bob receives Ada's video; then she picks the sky in the settings: the same sender, a
    # new picture (the camera's is green, the sky is not).
    bob, bob_log = await new_page(browser, "Bob", send=None)
    await join_from_home(bob, base, "garden-party", "Bob")
    received = await wait_for(
        lambda: frame(bob, ada_id), lambda f: f is not None, timeout=30, what="Ada's video at Bob's"
    )
    assert received is not None and received["g"] > 2 * received["r"], received
    transceivers = await ada.evaluate("window.__palabre.pub.getTransceivers().length")

    await ada.click("#open-settings")
    await ada.wait_for_selector("#settings-background")
    await pick(ada, "#settings-background", "image:sky")
    await wait_for(
        lambda: ada.evaluate(STATS_JS),
        lambda s: len(s) == 1 and s[0]["background"] == "image:sky",
        what="the sky behind Ada",
    )
    skied = await wait_for(
        lambda: frame(bob, ada_id),
        lambda f: f is not None and f["r"] > 40 and f["b"] > f["r"],
        timeout=30,
        what="the sky in Ada's video at Bob's",
    )
    assert (await frame(ada, "sent") or {}).get("id") == sent["id"]
    assert await ada.evaluate("window.__palabre.pub.getTransceivers().length") == transceivers

    # Back to none: the camera's own track is sent again, and the processor is gone.
    await pick(ada, "#settings-background", "none")
    await wait_for(lambda: ada.evaluate(STATS_JS), lambda s: s == [], what="no processor")
    plain = await frame(ada, "sent")
    assert plain and plain["id"] != sent["id"]
    assert await ada.evaluate("localStorage.getItem('palabre.background')") == "none"

    ws_base = "ws" + base.removeprefix("http")
    own = (base + "/", ws_base + "/", "data:", "blob:")
    foreign = [u for u in requested if not u.startswith(own)]
    assert foreign == []
    assert ada_log.csp_violations() == [] and bob_log.csp_violations() == []
    (artifacts / "background.json").write_text(
        json.dumps(
            {"prejoin": stats, "sent": sent, "camera": camera, "sky_at_bob": skied}, indent=2
        )
    )


async def test_background_without_webgl_says_why(browser: Any, web_server: Any) -> None:
    page, _ = await new_page(browser, "Noé", locale="fr-FR")
    requested: list[str] = []
    page.on("request", lambda req: requested.append(req.url))
    await page.add_init_script(
        """(() => {
          const get = HTMLCanvasElement.prototype.getContext;
          HTMLCanvasElement.prototype.getContext = function (kind, ...rest) {
            return kind === "webgl2" ? null : get.call(this, kind, ...rest);
          };
        })()"""
    )
    await page.goto(web_server.http_url + "/sans-webgl")
    await page.wait_for_selector("#prejoin-background")
    await page.focus('#prejoin-background input[value="none"]')
    await page.keyboard.press("ArrowRight")  # to blur
    await page.wait_for_function(
        "() => document.querySelector('#prejoin-bg-status').textContent.includes('WebGL 2')"
    )
    status = await page.text_content("#prejoin-bg-status") or ""
    assert "arrière-plan" in status, status
    checked = await page.eval_on_selector("#prejoin-background input:checked", "e => e.value")
    assert checked == "none"
    assert not [u for u in requested if SEGMENTATION in u]


async def test_firefox_blurs_through_video_frames(web_server: Any, firefox: Any) -> None:
    """Firefox has no MediaStreamTrackProcessor: frames come from a <video> element."""
    await firefox.goto(web_server.http_url + "/firefox-blur")
    await firefox.wait_for_selector("#prejoin-background")
    assert await firefox.evaluate("typeof MediaStreamTrackProcessor") == "undefined"
    await firefox.click("#prejoin-background label:nth-child(2)")  # blur
    state = await wait_for(
        lambda: firefox.evaluate(
            "() => [document.querySelector('#prejoin-bg-status').textContent,"
            " window.__palabreBackground.stats()]"
        ),
        lambda s: len(s[1]) == 1 and s[1][0]["segmentations"] >= 2,
        timeout=90,
        what="frames through the background processor in Firefox",
    )
    assert state[0] == "" and state[1][0]["background"] == "blur"
    # The preview shows the processed track, not the camera's.
    preview = await firefox.evaluate(
        "() => document.querySelector('video.preview').srcObject.getVideoTracks()[0].id"
    )
    camera = await firefox.evaluate("() => window.__palabreBackground.sources()[0].id")
    assert preview != camera
