"""The comment adapters on hand-written fixtures (tests/fixtures/html/) and hostile input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from tuireader.importers.comments import MAX_COMMENTS, MAX_DEPTH, extract_comments, find_thread
from tuireader.importers.comments.base import ThreadBuilder, parse_when
from tuireader.importers.htmltree import load_tree
from tuireader.importers.model import ImportError_, ParsedComment
from tuireader.text import UNSAFE_CHARS

FIXTURES = Path(__file__).parent / "fixtures" / "html"


def _load(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def _thread(name: str) -> tuple[str, list[ParsedComment]]:
    result = find_thread(load_tree(_load(name)))
    assert result is not None
    return result.name, result.comments


def _shape(comments: list[ParsedComment]) -> list[tuple[str, str | None, str]]:
    return [(c.key, c.parent_key, c.author) for c in comments]


def _assert_valid_thread(comments: list[ParsedComment]) -> None:
    """Keys unique, every parent an earlier comment, every date aware UTC, text clean."""
    seen: set[str] = set()
    for c in comments:
        assert c.key not in seen
        assert c.parent_key is None or c.parent_key in seen
        seen.add(c.key)
        assert c.posted is None or c.posted.utcoffset() == timedelta(0)
        assert not (set(c.text) | set(c.author)) & UNSAFE_CHARS


def test_wpdiscuz() -> None:
    name, comments = _thread("wpdiscuz.html")
    assert name == "wpdiscuz"
    assert _shape(comments) == [
        ("2101", None, "Alice Moreau"),
        ("2102", "2101", "Hanna Lindqvist"),
        ("2104", "2102", "Alice Moreau"),
        ("2103", None, "Carla Díaz"),
        ("2105", "2103", "Dmitri Volkov"),
    ]
    assert [c.posted for c in comments] == [
        datetime(2024, 3, 5, 10, 14, tzinfo=UTC),
        datetime(2024, 3, 5, 11, 2, tzinfo=UTC),
        datetime(2024, 3, 6, 8, 30, tzinfo=UTC),
        datetime(2024, 3, 5, 13, 45, tzinfo=UTC),
        datetime(2024, 3, 7, 21, 5, tzinfo=UTC),
    ]
    assert comments[0].text == (
        "The O-ring trick for the idler is clever. Did you worry about the O-ring’s "
        "cross-section being round instead of flat?\n\nMine slipped after a few weeks."
    )
    # inline markup joins without stray spaces; quotes are marked; UI labels stay out
    assert comments[3].text.endswith("are worse than nothing.")
    assert comments[4].text == (
        "Not the author, but a factory alignment tape from the same maker is worth the money."
        "\n\n> worse than nothing\n\nAgreed."
    )
    assert all("Reply" not in c.text and "1 year ago" not in c.text for c in comments)
    _assert_valid_thread(comments)


def test_wpdiscuz_parent_from_id_when_not_nested() -> None:
    # wpDiscuz can render replies flat (threading off, or loaded one by one)
    html = """<html><body><div class="wpd-thread-list">
      <div id="wpd-comm-7_0" class="wpd-comment"><div class="wpd-comment-wrap">
        <div class="wpd-comment-author">Ana</div><div class="wpd-comment-text"><p>first</p></div>
      </div></div>
      <div id="wpd-comm-8_7" class="wpd-comment wpd-reply"><div class="wpd-comment-wrap">
        <div class="wpd-comment-author">Ben</div><div class="wpd-comment-text"><p>second</p></div>
      </div></div>
      <div id="wpd-comm-9_99" class="wpd-comment wpd-reply"><div class="wpd-comment-wrap">
        <div class="wpd-comment-author">Cy</div><div class="wpd-comment-text"><p>orphan</p></div>
      </div></div></div></body></html>"""
    comments = extract_comments(html, flat_fallback=False)
    assert _shape(comments) == [("7", None, "Ana"), ("8", "7", "Ben"), ("9", None, "Cy")]


def test_wordpress_core() -> None:
    name, comments = _thread("wordpress.html")
    assert name == "wordpress"
    # the pingback (li.pingback, id comment-43) is not a comment
    assert _shape(comments) == [
        ("41", None, "Mareike"),
        ("42", "41", "Jonas Brenner"),
        ("44", "42", "Mareike"),
        ("45", None, "Theo K."),
    ]
    cet = timezone(timedelta(hours=1))
    assert comments[0].posted == datetime(2023, 11, 20, 9, 12, 44, tzinfo=cet)
    assert comments[0].posted.tzinfo is UTC  # type: ignore[union-attr]
    assert comments[2].text == (
        "Zu spät, ich spreche aus Erfahrung. 🙈\n\nDie Schüssel hat es überlebt, der Teig nicht."
    )
    assert "sagt" not in comments[0].author
    assert "Antworten" not in comments[0].text
    _assert_valid_thread(comments)


def test_wordpress_older_theme_markup() -> None:
    # html4-era themes: ol.commentlist, li#li-comment-N > div#comment-N, cite.fn, text date
    html = """<html><body><ol class="commentlist">
      <li class="comment" id="li-comment-3"><div id="comment-3">
        <div class="comment-author vcard"><cite class="fn">Ola</cite>
          <span class="says">says:</span></div>
        <div class="comment-meta commentmetadata">
          <a href="#comment-3">May 2, 2023 at 9:15 am</a></div>
        <p>Nice write-up.</p><p>Second paragraph.</p>
        <div class="reply"><a class="comment-reply-link" href="#">Reply</a></div>
      </div>
      <ul class="children"><li class="comment" id="li-comment-4"><div id="comment-4">
        <div class="comment-author vcard"><cite class="fn">Per</cite></div>
        <p>Thanks!</p></div></li></ul>
      </li></ol></body></html>"""
    comments = extract_comments(html, flat_fallback=False)
    assert _shape(comments) == [("3", None, "Ola"), ("4", "3", "Per")]
    assert comments[0].posted == datetime(2023, 5, 2, 9, 15, tzinfo=UTC)
    assert comments[0].text == "Nice write-up.\n\nSecond paragraph."
    assert comments[1].text == "Thanks!"


def test_hacker_news() -> None:
    name, comments = _thread("hackernews.html")
    assert name == "hackernews"
    assert _shape(comments) == [
        ("40100001", None, "pgregory"),
        ("40100005", "40100001", "lindy_b"),
        ("40100009", "40100005", "pgregory"),
        ("40100007", "40100001", "unknown"),  # deleted: kept, its reply hangs off it
        ("40100012", "40100007", "ochre"),
        ("40100003", None, "tmk"),
    ]
    assert comments[0].posted == datetime(2024, 5, 10, 14, 3, 11, tzinfo=UTC)
    assert comments[4].posted == datetime(2024, 5, 11, 8, 1, 33, tzinfo=UTC)
    assert comments[0].text == (
        "Plain text files in a git repository, one directory per device. The trick is to "
        "photograph the board and commit the photo next to the notes on the same day."
        "\n\nSearch is just grep. It has survived three laptops."
    )
    assert comments[2].text == (
        "git-annex for the scans, plain git for the text. See https://git-annex.example.org/"
    )
    assert comments[3].text == "[deleted]"
    # markup-looking text is kept as text
    assert "a [bold]wiki[/bold] worked" in comments[4].text
    # <pre> keeps its lines and indentation; "reply" links are not text
    assert "  devices/\n    hp-3478a/\n      notes.md" in comments[5].text
    assert all(not c.text.endswith("reply") for c in comments)
    _assert_valid_thread(comments)


def test_hacker_news_indent_from_spacer_width() -> None:
    rows = "".join(
        f"<tr class='athing comtr' id='{i}'><td><table><tr><td class='ind'>"
        f"<img src='s.gif' height='1' width='{w}'></td><td class='default'>"
        f"<a class='hnuser'>u{i}</a><span class='age' title='2020-01-01T00:00:00'>x</span>"
        f"<div class='comment'><span class='commtext c00'>t{i}</span></div>"
        "</td></tr></table></td></tr>"
        for i, w in ((1, 0), (2, 40), (3, 80), (4, 40), (5, 0))
    )
    comments = extract_comments(f"<html><body><table>{rows}</table></body></html>")
    assert [(c.key, c.parent_key) for c in comments] == [
        ("1", None),
        ("2", "1"),
        ("3", "2"),
        ("4", "1"),
        ("5", None),
    ]
    assert comments[0].posted == datetime(2020, 1, 1, tzinfo=UTC)


def test_schema_microdata() -> None:
    name, comments = _thread("schema_microdata.html")
    assert name == "microdata"
    assert _shape(comments) == [
        ("note-501", None, "Priya N."),
        ("note-502", "note-501", "Ruth Calloway"),
        ("note-503", None, "Lena"),
    ]
    assert [c.posted for c in comments] == [
        datetime(2022, 8, 14, 3, 50, tzinfo=UTC),  # 09:20 +05:30
        datetime(2022, 8, 14, 11, 5, tzinfo=UTC),
        datetime(2022, 8, 15, 11, 0, tzinfo=UTC),
    ]
    assert comments[0].text.startswith("We had the same at the reservoir")
    # the reply's text is not part of its parent's text
    assert "dozing" not in comments[0].text
    assert comments[2].text == "Lovely piece. The spoil heaps tip is a good one — thank you."
    _assert_valid_thread(comments)


def test_schema_jsonld() -> None:
    name, comments = _thread("schema_jsonld.html")
    assert name == "jsonld"
    base = "https://rouelibre.example.fr/velo-cargo-hiver/#c-"
    assert _shape(comments) == [
        (base + "9001", None, "Yannick"),
        (base + "9002", base + "9001", "Camille Girard"),
        (base + "9003", None, "Sophie L."),
        (base + "9004", None, "Marc"),
    ]
    assert comments[0].posted == datetime(2023, 3, 2, 9, 15, tzinfo=UTC)
    assert comments[2].posted == datetime(2023, 3, 3, 7, 5, tzinfo=UTC)
    # HTML inside "text" becomes plain text
    assert comments[1].text == (
        "Des freins à disque hydrauliques : aucun souci.\n\n"
        "Il faut juste changer les plaquettes plus souvent."
    )
    _assert_valid_thread(comments)


def test_jsonld_bad_scripts_are_skipped() -> None:
    deep = "[" * 100_000 + "]" * 100_000
    html = f"""<html><body><p>x</p>
    <script type="application/ld+json">{{ not json </script>
    <script type="application/ld+json">{deep}</script>
    <script type="application/ld+json">{{"@type": "Article", "comment": [
      {{"@type": "Comment", "author": 42, "text": ["no"]}},
      {{"@type": "Comment", "author": {{"name": "Real"}}, "text": "ok", "dateCreated": "bad"}}
    ]}}</script></body></html>"""
    comments = extract_comments(html, flat_fallback=False)
    assert [(c.author, c.text, c.posted) for c in comments] == [("Real", "ok", None)]


def test_plain_article_has_no_thread() -> None:
    tree = load_tree(_load("plain_article.html"))
    assert find_thread(tree) is None
    assert extract_comments(tree) == []


def test_flat_fallback_marks_comments() -> None:
    # a comment section trafilatura recognises by its id, without any known markup
    paragraphs = "".join(
        f"<p>This is reader remark number {n}, which says something about the essay.</p>"
        for n in range(1, 4)
    )
    body = "".join(
        f"<p>Paragraph {n} of an essay about gardens, long enough to count as text. "
        "Gardens need patience, water, and a gardener who does not give up.</p>"
        for n in range(8)
    )
    html = (
        f"<html><body><article>{body}</article><div id='comments'>{paragraphs}</div></body></html>"
    )
    comments = extract_comments(html)
    assert comments, "trafilatura found no comments"
    assert all(c.flat and c.author == "unknown" and c.parent_key is None for c in comments)
    assert any("reader remark number 2" in c.text for c in comments)
    assert extract_comments(html, flat_fallback=False) == []


HOSTILE_NAME = "\x1b]52;c;ZXZpbA==\x07Mallory [@click=app.quit]x[/] \u202eevil"
HOSTILE_TEXT = (
    "Click [link=https://evil.example]here[/link] \x1b[2J\x1b]0;title\x07 and "
    "\u009b31m [bold]loud[/bold] \x00 [/]"
)


@pytest.mark.parametrize(
    "markup",
    [
        # wpDiscuz
        """<div id="wpd-comm-1_0" class="wpd-comment"><div class="wpd-comment-wrap">
       <div class="wpd-comment-author">{name}</div>
       <div class="wpd-comment-text"><p>{text}</p></div></div></div>""",
        # WordPress core
        """<ol class="comment-list"><li id="comment-1" class="comment"><article>
       <div class="comment-author"><b class="fn">{name}</b></div>
       <div class="comment-content"><p>{text}</p></div></article></li></ol>""",
        # microdata
        """<div itemscope itemtype="https://schema.org/Comment" id="1">
       <span itemprop="author">{name}</span><div itemprop="text">{text}</div></div>""",
    ],
)
def test_hostile_text_comes_out_clean(markup: str) -> None:
    html = "<html><body>" + markup.format(name=HOSTILE_NAME, text=HOSTILE_TEXT) + "</body></html>"
    [comment] = extract_comments(html, flat_fallback=False)
    for field in (comment.author, comment.text):
        assert not set(field) & UNSAFE_CHARS
        assert "\x1b" not in field and "\u202e" not in field
    assert "[@click=app.quit]x[/]" in comment.author
    assert "[link=https://evil.example]here[/link]" in comment.text
    assert "[bold]loud[/bold]" in comment.text
    assert comment.text.endswith("[/]")


def test_hostile_text_in_jsonld_and_entities() -> None:
    html = """<html><body><script type="application/ld+json">
      {"@type": "Article", "comment": {"@type": "Comment",
       "author": "\\u001b]52;c;eA==\\u0007Eve [b]", "text": "x \\u001b[31m [red]y[/red]"}}
    </script><div class="c">&#27;[2J &#x9b;</div></body></html>"""
    [comment] = extract_comments(html, flat_fallback=False)
    assert comment.author == "]52;c;eA==Eve [b]"
    assert comment.text == "x [31m [red]y[/red]"


def test_deep_nesting_is_refused() -> None:
    deep = "<html><body>" + "<div>" * 10_000 + "x" + "</div>" * 10_000 + "</body></html>"
    with pytest.raises(ImportError_, match="nested too deeply"):
        extract_comments(deep)


def test_binary_input_is_refused() -> None:
    with pytest.raises(ImportError_, match="not an HTML page"):
        extract_comments(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 10)
    with pytest.raises(ImportError_, match="binary data"):
        extract_comments(b"<html>\x00\x00\x00\x00" + bytes(range(256)))


def test_deep_reply_chain_is_capped() -> None:
    # a reply chain deeper than MAX_DEPTH, in the flat HN layout
    rows = "".join(
        f"<tr class='athing comtr' id='{i}'><td><table><tr><td class='ind' indent='{i}'></td>"
        f"<td><a class='hnuser'>u</a><div class='commtext'>t{i}</div></td></tr></table></td></tr>"
        for i in range(MAX_DEPTH + 50)
    )
    comments = extract_comments(f"<html><body><table>{rows}</table></body></html>")
    depth: dict[str, int] = {}
    for c in comments:
        depth[c.key] = 0 if c.parent_key is None else depth[c.parent_key] + 1
    assert len(comments) == MAX_DEPTH + 50
    assert max(depth.values()) == MAX_DEPTH
    _assert_valid_thread(comments)


def test_comment_count_is_capped() -> None:
    builder = ThreadBuilder(max_comments=10)
    for n in range(25):
        builder.add(str(n), None, "a", "t")
    assert len(builder.comments) == 10
    assert builder.dropped == 15
    assert MAX_COMMENTS == 20_000


def test_builder_never_makes_cycles_or_dangling_parents() -> None:
    builder = ThreadBuilder()
    builder.add("a", "b", "x", "1")  # parent not seen yet: top level
    builder.add("b", "a", "x", "2")  # would close a cycle a <-> b: fine, a exists
    builder.add("a", "b", "x", "3")  # duplicate key: renamed
    builder.add("c", "zzz", "x", "4")  # unknown parent
    builder.add("d", "a", "", "")  # empty: left out ...
    builder.add("e", "d", "x", "5")  # ... and its reply moves up to d's parent
    shape = [(c.key, c.parent_key) for c in builder.comments]
    assert shape == [("a", None), ("b", "a"), ("a~2", "b"), ("c", None), ("e", "a")]
    _assert_valid_thread(builder.comments)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-01-15T10:00:00 1705312800", datetime(2024, 1, 15, 10, 0, tzinfo=UTC)),
        ("1705312800", datetime(2024, 1, 15, 10, 0, tzinfo=UTC)),
        ("2023-11-20T09:12:44+01:00", datetime(2023, 11, 20, 8, 12, 44, tzinfo=UTC)),
        ("2023-11-20T09:12:44Z", datetime(2023, 11, 20, 9, 12, 44, tzinfo=UTC)),
        ("2023-11-20 09:12", datetime(2023, 11, 20, 9, 12, tzinfo=UTC)),
        ("March 5, 2024 10:14 am", datetime(2024, 3, 5, 10, 14, tzinfo=UTC)),
        ("May 2, 2023 at 9:15 pm", datetime(2023, 5, 2, 21, 15, tzinfo=UTC)),
        ("3 hours ago", None),
        ("", None),
        (None, None),
        ("0001-01-01T00:00:00", None),
        ("99999999999", None),
    ],
)
def test_parse_when(value: str | None, expected: datetime | None) -> None:
    assert parse_when(value) == expected
