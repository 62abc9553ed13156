"""HTML to PDF with WeasyPrint (from PyPI; it needs Pango, `make deps-system`). The page's
images are data: URIs; WeasyPrint fetches nothing else (no file, no network). Blocking: the
web layer calls it in a thread."""

from __future__ import annotations

from ..errors import Unavailable


def from_html(html: str) -> bytes:
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: Pango missing
        raise Unavailable(f"PDF export is not available on this server ({exc})") from None
    fetcher = weasyprint.URLFetcher(allowed_protocols=["data"])
    pdf = weasyprint.HTML(string=html, url_fetcher=fetcher).write_pdf()
    assert isinstance(pdf, bytes)
    return pdf
