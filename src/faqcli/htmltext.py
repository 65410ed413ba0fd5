"""HTML answer bodies (what help centres export) as Markdown, for ``faq import``.

Links, lists, emphasis, code, headings and line breaks are kept as Markdown; scripts,
styles and comments are dropped with their content; other tags are dropped and their
text kept; entities are decoded. Built on the standard library's ``html.parser``: a
help-centre body is a small, shallow fragment, and the libraries that do this
(markdownify on BeautifulSoup) would add two dependencies for it (see the README).
Pure: text in, text out.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Text that holds one of these tags is taken for HTML (a "<" in plain text is not).
_LOOKS_HTML = re.compile(
    r"<(?:p|br|div|a\s|ul|ol|li|strong|b|em|i|u|h[1-6]|span|code|pre|blockquote|table|img"
    r"|script|style)\b[^>]*>",
    re.IGNORECASE,
)
_DROPPED = {"script", "style", "head", "title", "noscript", "template"}
_BLOCKS = {"p", "div", "ul", "ol", "blockquote", "pre", "table", "section", "article"}
_HEADINGS = {f"h{n}": n for n in range(1, 7)}
_EMPHASIS = {"strong": "**", "b": "**", "em": "*", "i": "*"}


def looks_like_html(text: str) -> bool:
    return _LOOKS_HTML.search(text) is not None


def to_markdown(html: str) -> str:
    """``html`` as Markdown text."""
    parser = _Converter()
    parser.feed(html)
    parser.close()
    return parser.markdown()


class _Converter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.lists: list[list[int]] = []  # per open list: [items so far] (ol), [] for ul
        self.ordered: list[bool] = []
        self.links: list[str | None] = []
        self.dropping = 0
        self.pre = 0

    # -- the parser's callbacks ---------------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROPPED:
            self.dropping += 1
        elif self.dropping:
            return
        elif tag == "br":
            self.out.append("  \n" if not self.pre else "\n")
        elif tag in _HEADINGS:
            self._block()
            self.out.append("#" * _HEADINGS[tag] + " ")
        elif tag in ("ul", "ol"):
            self._line() if self.lists else self._block()  # a list in a list: no gap
            self.ordered.append(tag == "ol")
            self.lists.append([0])
        elif tag == "li":
            self._line()
            # Under an item, a list is indented by its marker's width ("1. ": 3, "- ": 2).
            indent = "".join(" " * (3 if ordered else 2) for ordered in self.ordered[:-1])
            if self.lists and self.ordered[-1]:
                self.lists[-1][0] += 1
                marker = f"{self.lists[-1][0]}. "
            else:
                marker = "- "
            self.out.append(indent + marker)
        elif tag in _EMPHASIS:
            self.out.append(_EMPHASIS[tag])
        elif tag == "code" and not self.pre:
            self.out.append("`")
        elif tag == "pre":
            self._block()
            self.out.append("```\n")
            self.pre += 1
        elif tag == "a":
            href = dict(attrs).get("href")
            self.links.append(href)
            if href:
                self.out.append("[")
        elif tag == "img":
            found = dict(attrs)
            if found.get("src"):
                self.out.append(f"![{found.get('alt') or ''}]({found['src']})")
        elif tag == "blockquote":
            self.out.append("> ")
        elif tag in ("td", "th"):
            if "".join(self.out).rsplit("\n", 1)[-1].strip():  # a cell after another
                self.out.append(" | ")
        elif tag in _BLOCKS:
            self._block()

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROPPED:
            self.dropping = max(self.dropping - 1, 0)
        elif self.dropping:
            return
        elif tag in _HEADINGS or tag in ("p", "div", "blockquote", "table", "section"):
            self._block()
        elif tag in ("ul", "ol") and self.lists:
            self.lists.pop()
            self.ordered.pop()
            self._line() if self.lists else self._block()
        elif tag in _EMPHASIS:
            self.out.append(_EMPHASIS[tag])
        elif tag == "code" and not self.pre:
            self.out.append("`")
        elif tag == "pre" and self.pre:
            self.pre -= 1
            self._line()
            self.out.append("```")
            self._block()
        elif tag == "a" and self.links:
            href = self.links.pop()
            if href:
                self.out.append(f"]({href})")
        elif tag == "tr":
            self._line()

    def handle_data(self, data: str) -> None:
        if self.dropping:
            return
        if self.pre:
            self.out.append(data)
            return
        text = re.sub(r"\s+", " ", data)
        if not self.out or self.out[-1].endswith("\n"):
            text = text.lstrip(" ")  # no blanks at the start of a line (the source's indent)
        if text:
            self.out.append(text)

    # -- the text ----------------------------------------------------------------------

    def _line(self) -> None:
        text = "".join(self.out)
        if text and not text.endswith("\n"):
            self.out.append("\n")

    def _block(self) -> None:
        text = "".join(self.out).rstrip(" ")
        self.out = [text]
        if text and not text.endswith("\n\n"):
            self.out.append("\n" if text.endswith("\n") else "\n\n")

    def markdown(self) -> str:
        text = "".join(self.out)
        # Blanks at the end of a line go, but for a line break's two ("  \n").
        lines = [line if line.endswith("  ") else line.rstrip() for line in text.split("\n")]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
