"""The message renderer: Markdown-style text to safe HTML, whatever the text (hostile
inputs, and a fuzzer checking that every tag and attribute that comes out is one we allow)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from palabre.messaging.markdown import render, safe_link

TAGS = {
    "p", "br", "em", "strong", "s", "code", "pre", "a", "blockquote", "ul", "ol", "li", "hr",
    "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "span",
}  # fmt: skip
ATTRIBUTES = {
    "a": {"href", "rel", "target", "class", "title"},
    "span": {"class", "data-mention"},
    "code": {"class"},
    "ol": {"start"},
    "th": {"style"},
    "td": {"style"},
}


class Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in TAGS:
            self.problems.append(f"tag {tag}")
        for name, value in attrs:
            # What a browser would take for a scheme (it ignores controls and spaces).
            scheme = re.match(r"([a-z][a-z0-9+.-]*):", "".join(ch for ch in (value or "")
                                                              if ch > " ").lower())  # fmt: skip
            if (
                name in ("href", "src")
                and scheme
                and scheme.group(1) not in ("http", "https", "mailto")
            ):
                self.problems.append(f"{name}={value}")
            if name not in ATTRIBUTES.get(tag, set()):
                self.problems.append(f"attribute {name} on {tag}")
            if name == "href" and not safe_link(value or ""):
                self.problems.append(f"href {value}")
            if name == "rel" and value != "noopener noreferrer nofollow":
                self.problems.append(f"rel {value}")
            if name == "style" and value not in ("text-align:left", "text-align:right",
                                                 "text-align:center"):  # fmt: skip
                self.problems.append(f"style {value}")
            if name == "class" and tag != "code" and value not in ("mention", "image"):
                self.problems.append(f"class {value}")
        if tag == "a" and dict(attrs).get("target") != "_blank":
            self.problems.append("a link without target")


def problems(html: str) -> list[str]:
    checker = Checker()
    checker.feed(html)
    checker.close()
    return checker.problems


def test_formatting() -> None:
    html = render("**gras** *italique* ~~barré~~ `code`\n- un\n- deux").html
    assert "<strong>gras</strong>" in html and "<em>italique</em>" in html
    assert "<s>barré</s>" in html and "<code>code</code>" in html and "<li>un</li>" in html
    assert render("ligne 1\nligne 2").html == "<p>ligne 1<br />\nligne 2</p>\n"
    assert "<h2" not in render("titre\n---").html  # chat, not a heading


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        '<a href="javascript:alert(1)">x</a>',
        "[x](javascript:alert(1))",
        "[x](JAVASCRIPT:alert(1))",
        "[x](  javascript:alert(1))",
        "[x](java\tscript:alert(1))",
        "[x](java&#x09;script:alert(1))",
        "[x](&#106;avascript:alert(1))",
        "[x](vbscript:msgbox(1))",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        "[x](file:///etc/passwd)",
        "<javascript:alert(1)>",
        "[x](//evil.example/)",
        '[x](http://a.b/"onmouseover="alert(1))',
        '[x](http://a.b/ "title\\" onclick=\\"alert(1)")',
        "![x](javascript:alert(1))",
        '![x" onerror="alert(1)](http://evil.example/a.png)',
        '```js" onclick="alert(1)\ncode\n```',
        '<div style="background:url(http://evil.example)">',
        '@"><script>alert(1)</script>',
        "[@bob](javascript:alert(1))",
        "| a |\n|---|\n| <b>x</b> |",
    ],
)
def test_hostile_input_comes_out_harmless(text: str) -> None:
    html = render(text).html
    assert problems(html) == [], html
    assert "<script" not in html and "<img" not in html


def test_images_are_links_never_loaded() -> None:
    html = render("![le plan](https://tiles.example/plan.png)").html
    assert "<img" not in html
    assert '<a href="https://tiles.example/plan.png"' in html and ">le plan</a>" in html
    assert "<img" not in render("![](data:image/png;base64,iVBORw0KGgo=)").html


def test_links_open_apart_without_referrer() -> None:
    html = render("voir https://example.org/a?b=1&c=2 et [ici](/spaces/1)").html
    assert (
        '<a href="https://example.org/a?b=1&amp;c=2" rel="noopener noreferrer nofollow" '
        'target="_blank">' in html
    )
    assert '<a href="/spaces/1" rel="noopener noreferrer nofollow" target="_blank">ici</a>' in html
    assert problems(html) == []


def test_mentions_outside_code_only() -> None:
    rendered = render("@alice, @Bob. et @channel ; `@carol`\n\n    @dave\n\nmail: eve@example.org")
    assert rendered.mentions == ("alice", "bob", "channel")
    assert '<span class="mention" data-mention="bob">@Bob</span>.' in rendered.html
    assert "@carol" in rendered.text and "eve@example.org" in rendered.text
    assert render("\\@alice").mentions == ()


def test_plain_text() -> None:
    text = render("# Titre\n**Gras** et [lien](https://x.org)\n\n```\nbloc\n```").text
    assert text == "Titre\nGras et lien\nbloc"


PIECES = st.sampled_from(
    ["*", "**", "_", "~~", "`", "```", "\n", "\n\n", "    ", "> ", "- ", "1. ", "#", "|", "---",
     "[", "]", "(", ")", "!", "<", ">", "&", "&#", ";", '"', "'", "=", "@", "@bob", "@channel",
     "javascript:", "JavaScript:", "data:", "vbscript:", "http://", "https://a.b", "//", "\\",
     "<script>", "</script>", "<img src=x onerror=alert(1)>", "onclick=", "style=", "\t",
     "\x00", "\u202e", "mailto:", "www.example.org", "a@b.c"]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(PIECES, st.text(max_size=8)), max_size=40))
def test_fuzz_only_allowed_markup_comes_out(parts: list[str]) -> None:
    rendered = render("".join(parts))
    assert problems(rendered.html) == [], rendered.html
    assert all(name == name.lower() for name in rendered.mentions)
