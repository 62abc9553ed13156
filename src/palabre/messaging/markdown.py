"""Markdown-style message text rendered to HTML that is safe to insert into a page.

markdown-it-py (CommonMark, with strikethrough, tables and bare links) with raw HTML off:
any `<tag>` in the text comes out escaped. On top of it:
- links go only to http, https, mailto or a relative address (no `javascript:`, `data:`,
  `vbscript:`, `file:`...), and open apart, with rel="noopener noreferrer nofollow";
- an image is shown as a link to it, never loaded: a remote image would make every reader's
  browser contact a third party;
- `@name` and `@channel` become <span class="mention">, and only those outside code count
  as mentions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from .mentions import mention_at

LINK_REL = "noopener noreferrer nofollow"
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):", re.IGNORECASE)
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})


@dataclass(frozen=True)
class Rendered:
    html: str
    mentions: tuple[str, ...]  # the names mentioned (lowercase, in order, once each)
    text: str  # the plain text (for search and excerpts)


def safe_link(url: str) -> bool:
    """http, https, mailto, or relative. A `:` before any `/`, `?` or `#` must end one of
    those schemes (RFC 3986: a relative address has none there), so "java%09script:" and
    the like are refused, not left for a browser to read."""
    cleaned = "".join(ch for ch in url if ch > " ").strip()
    head = re.split(r"[/?#]", cleaned, maxsplit=1)[0]
    if ":" not in head:
        return not cleaned.startswith("//")  # a scheme-relative address is another site
    match = _SCHEME.match(cleaned)
    return (
        match is not None
        and match.end() == len(head.split(":")[0]) + 1
        and (match.group(1).lower() in SAFE_SCHEMES)
    )


def _mention(state: StateInline, silent: bool) -> bool:
    if state.src[state.pos] != "@":
        return False
    found = mention_at(state.src, state.pos)
    if found is None or found.end > state.posMax:
        return False
    if not silent:
        token = state.push("mention", "span", 0)
        token.content = state.src[found.start : found.end]
        token.meta = {"name": found.name}
    state.pos = found.end
    return True


def _render_mention(
    renderer: RendererHTML, tokens: list[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[idx]
    name = escapeHtml(str(token.meta["name"]))
    return f'<span class="mention" data-mention="{name}">{escapeHtml(token.content)}</span>'


def _render_link_open(
    renderer: RendererHTML, tokens: list[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[idx]
    token.attrSet("rel", LINK_REL)
    token.attrSet("target", "_blank")
    return renderer.renderToken(tokens, idx, options, env)


def _render_image(
    renderer: RendererHTML, tokens: list[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[idx]
    src = str(token.attrGet("src") or "")
    alt = renderer.renderInlineAsText(token.children or [], options, env) or src
    return (
        f'<a href="{escapeHtml(src)}" rel="{LINK_REL}" target="_blank" class="image">'
        f"{escapeHtml(alt)}</a>"
    )


def _parser() -> MarkdownIt:
    md = MarkdownIt(
        "commonmark", {"html": False, "linkify": True, "breaks": True, "typographer": False}
    )
    md.enable(["linkify", "strikethrough", "table"])
    md.disable(["lheading"])  # a line of "---" under text is chat, not a heading
    md.validateLink = safe_link  # type: ignore[method-assign]
    md.inline.ruler.before("linkify", "mention", _mention)
    md.add_render_rule("mention", _render_mention)
    md.add_render_rule("link_open", _render_link_open)
    md.add_render_rule("image", _render_image)
    return md


_MD = _parser()


def _walk(tokens: list[Token]) -> Any:
    for token in tokens:
        yield token
        if token.children:
            yield from _walk(token.children)


def render(text: str) -> Rendered:
    tokens = _MD.parse(text)
    html = _MD.renderer.render(tokens, _MD.options, {})
    names: dict[str, None] = {}
    parts: list[str] = []
    for token in _walk(tokens):
        if token.type == "mention":
            names[str(token.meta["name"])] = None
            parts.append(token.content)
        elif token.type in ("text", "code_inline"):
            parts.append(token.content)
        elif token.type in ("code_block", "fence"):
            parts.append(token.content)
            parts.append("\n")
        elif token.type in ("softbreak", "hardbreak", "paragraph_close", "heading_close"):
            parts.append("\n")
        elif token.type in ("th_close", "td_close"):
            parts.append(" ")
    plain = re.sub(r"[ \t]*\n\s*", "\n", "".join(parts)).strip()
    return Rendered(html, tuple(names), plain)
