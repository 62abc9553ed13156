"""A camera the server refuses (here offered in H.264 only) is told to the person, in their
language: the server's tracks_refused becomes a visible alert."""

from __future__ import annotations

from typing import Any

import pytest
from browser_helpers import join_from_home, new_page

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# The camera's transceiver offers H.264 only, then the page renegotiates its publish side.
H264_ONLY_JS = """() => {
  const s = window.__palabre.session;
  const h264 = RTCRtpSender.getCapabilities("video").codecs.filter(
    (c) => c.mimeType === "video/H264");
  if (!h264.length) return false;
  s.tx.camera.setCodecPreferences(h264);
  s.renegotiate();
  return true;
}"""


async def test_refused_camera_is_told_in_french(browser: Any, web_server: Any) -> None:
    page, log = await new_page(browser, "Zoé", locale="fr-FR")
    await join_from_home(page, web_server.http_url, "refus-camera", "Zoé")
    assert await page.is_hidden("#tracks-refused")
    assert await page.evaluate(H264_ONLY_JS), "this Chromium offers no H.264"
    await page.wait_for_selector("#tracks-refused", timeout=20_000)
    text = await page.text_content("#tracks-refused") or ""
    assert "Le serveur a refusé votre caméra" in text, text
    assert "micro" not in text, text
    assert await page.get_attribute("#tracks-refused", "role") == "alert"
    await page.set_viewport_size({"width": 390, "height": 844})
    box = await page.locator("#tracks-refused").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    await page.click("#dismiss-refused")
    await page.wait_for_selector("#tracks-refused", state="detached")
    assert log.csp_violations() == []
