"""A text document's Yjs content (the TipTap layout of content.py: XmlFragment "default" of
ProseMirror nodes, marks as the formatting attributes of its XmlText) written as HTML: the
one form every export is made from (export.py hands it to pandoc or WeasyPrint).

Images: `image_src` turns an image node's src into the one written (export.py gives data:
URIs, so that the file carries its images). Headings move down `shift` levels (a sub-page's
content under its title), at most to h6."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

from pycrdt import Doc, XmlElement, XmlFragment, XmlText

from .content import attributes, fragment

ImageSrc = Callable[[str], str | None]

# ProseMirror node -> HTML element, for the nodes that map one to one.
_SIMPLE = {
    "paragraph": "p",
    "blockquote": "blockquote",
    "bulletList": "ul",
    "listItem": "li",
    "taskList": "ul",
    "table": "table",
    "tableRow": "tr",
}
# Marks, outermost first, and their elements (a link is handled apart: it has an href).
_MARKS = (("bold", "strong"), ("italic", "em"), ("underline", "u"), ("strike", "s"),
          ("code", "code"))  # fmt: skip
_SAFE_SCHEMES = ("http:", "https:", "mailto:", "tel:", "/", "#")


def _attr(name: str, value: Any) -> str:
    return f' {name}="{escape(str(value), quote=True)}"'


def _int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def safe_href(href: Any) -> str | None:
    """A link target kept in an export (no javascript: or data: link)."""
    if not isinstance(href, str) or not href.strip():
        return None
    text = href.strip()
    lowered = text.lower()
    if lowered.startswith(_SAFE_SCHEMES) or ":" not in lowered.split("/")[0]:
        return text
    return None


def _text(node: XmlText) -> str:
    out: list[str] = []
    for chunk, marks in node.diff():
        if not isinstance(chunk, str) or not chunk:
            continue
        html = escape(chunk, quote=False)
        found = dict(marks) if marks else {}
        for name, tag in reversed(_MARKS):
            if name in found:
                html = f"<{tag}>{html}</{tag}>"
        link = found.get("link")
        href = safe_href(link.get("href")) if isinstance(link, dict) else None
        if href is not None:
            html = f"<a{_attr('href', href)}>{html}</a>"
        out.append(html)
    return "".join(out)


class _Writer:
    def __init__(self, image_src: ImageSrc, shift: int) -> None:
        self.image_src = image_src
        self.shift = shift

    def children(self, node: XmlFragment | XmlElement) -> str:
        parts: list[str] = []
        for child in node.children:
            if isinstance(child, XmlText):
                parts.append(_text(child))
            elif isinstance(child, XmlElement):
                parts.append(self.element(child))
        return "".join(parts)

    def element(self, node: XmlElement) -> str:
        tag = node.tag or ""
        attrs = attributes(node)
        if tag in _SIMPLE:
            name = _SIMPLE[tag]
            return f"<{name}>{self.children(node)}</{name}>\n"
        if tag == "heading":
            level = min(6, max(1, _int(attrs.get("level"), 1)) + self.shift)
            return f"<h{level}>{self.children(node)}</h{level}>\n"
        if tag == "orderedList":
            start = _int(attrs.get("start"), 1)
            return f"<ol{_attr('start', start) if start != 1 else ''}>{self.children(node)}</ol>\n"
        if tag == "taskItem":
            box = "\u2612 " if attrs.get("checked") in (True, "true") else "\u2610 "
            inner = self.children(node)
            inner = "<p>" + box + inner[3:] if inner.startswith("<p>") else f"<p>{box}</p>{inner}"
            return f"<li>{inner}</li>\n"
        if tag in ("tableCell", "tableHeader"):
            name = "th" if tag == "tableHeader" else "td"
            span = ""
            for key in ("colspan", "rowspan"):
                value = _int(attrs.get(key), 1)
                if value > 1:
                    span += _attr(key, value)
            return f"<{name}{span}>{self.children(node)}</{name}>"
        if tag == "codeBlock":
            language = attrs.get("language")
            kind = _attr("class", f"language-{language}") if isinstance(language, str) else ""
            return f"<pre><code{kind}>{escape(self.plain(node), quote=False)}</code></pre>\n"
        if tag == "horizontalRule":
            return "<hr>\n"
        if tag == "hardBreak":
            return "<br>"
        if tag == "mention":
            label = attrs.get("label") or attrs.get("id") or ""
            return escape(f"@{label}", quote=False)
        if tag == "spaceFile":  # a link to a file of the space: its name (the file stays there)
            return escape(str(attrs.get("name") or ""), quote=False)
        if tag == "image":
            src = self.image_src(str(attrs.get("src") or ""))
            if src is None:
                return ""
            more = "".join(
                _attr(key, attrs[key]) for key in ("title", "width", "height")
                if attrs.get(key) not in (None, "")
            )  # fmt: skip
            return f"<p><img{_attr('src', src)}{_attr('alt', attrs.get('alt') or '')}{more}></p>\n"
        return self.children(node)  # an unknown node: its content

    def plain(self, node: XmlElement) -> str:
        parts: list[str] = []
        for child in node.children:
            if isinstance(child, XmlText):
                parts.extend(chunk for chunk, _ in child.diff() if isinstance(chunk, str))
            elif isinstance(child, XmlElement):
                parts.append("\n" if child.tag == "hardBreak" else self.plain(child))
        return "".join(parts)


def body_html(doc: Doc[Any], image_src: ImageSrc, shift: int = 0) -> str:
    """The document's content as an HTML fragment."""
    return _Writer(image_src, shift).children(fragment(doc))


STYLE = """
body { font-family: "DejaVu Sans", sans-serif; font-size: 11pt; line-height: 1.4; }
table { border-collapse: collapse; margin: 0.5em 0; }
th, td { border: 1px solid #888; padding: 0.2em 0.5em; vertical-align: top; }
th { background: #eee; }
img { max-width: 100%; }
pre { background: #f4f4f4; padding: 0.5em; white-space: pre-wrap; }
blockquote { border-left: 3px solid #ccc; margin-left: 0; padding-left: 1em; color: #444; }
"""


def page(title: str, body: str, lang: str = "fr") -> str:
    """A standalone HTML page around `body`."""
    return (
        f'<!DOCTYPE html>\n<html lang="{escape(lang)}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(title or 'Document', quote=False)}</title>\n"
        f"<style>{STYLE}</style>\n</head>\n<body>\n{body}</body>\n</html>\n"
    )
