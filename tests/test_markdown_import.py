"""The Markdown-with-front-matter importer: the small front matter parser and hostile input."""

from __future__ import annotations

import time

import pytest

from tuireader.importers.files import detect_format
from tuireader.importers.markdown import has_front_matter, parse_front_matter, parse_markdown
from tuireader.importers.model import ImportError_
from tuireader.text import UNSAFE_CHARS


def test_front_matter_values() -> None:
    meta = parse_front_matter(
        [
            'title: "Quoted \\"inner\\" and \\u00e9"',
            "author: 'It''s me'",
            "url: https://x.example/a#frag  # a comment",
            "tags: [a, 'b, c', \"d\"]",
            "empty:",
            "list:",
            "  - one",
            "  - 'two'",
            "block: |",
            "  not read",
            "Mixed-Case_Key.x: y",
            "# a comment line",
            "not a key line",
        ]
    )
    assert meta["title"] == 'Quoted "inner" and é'
    assert meta["author"] == "It's me"
    assert meta["url"] == "https://x.example/a#frag"
    assert meta["tags"] == ["a", "b, c", "d"]
    assert meta["empty"] == []
    assert meta["list"] == ["one", "two"]
    assert meta["block"] == ""
    assert meta["mixed-case_key.x"] == "y"
    assert "not a key line" not in meta


@pytest.mark.parametrize(
    "data",
    [
        b"--- \ntitle: x\n",  # never closed
        b"---\n---\nbody\n",  # nothing in it
        b"---\njust words here\n---\n",  # no key: value line
        b"title: x\n---\n",  # does not start with the fence
        b"\n---\ntitle: x\n---\n",  # not on the first line
    ],
)
def test_not_front_matter(data: bytes) -> None:
    assert not has_front_matter(data)
    with pytest.raises(ImportError_):
        parse_markdown(data)


def test_detected_from_content_not_name() -> None:
    data = b"---\ntitle: A\n---\n\ntext\n"
    assert detect_format(data, "notes.txt") == "markdown"
    assert detect_format(data, "") == "markdown"
    assert detect_format(b"# Just a heading\n\ntext\n", "x.md") == "textdump"


def test_title_from_heading_then_file_name() -> None:
    heading = parse_markdown(b"---\nauthor: A\n---\n# From the heading\n\nBody.\n", "f.md")
    assert heading.title == "From the heading" and heading.body_markdown == "Body."
    named = parse_markdown(b"---\nauthor: A\n---\nBody only.\n", "dir/my-note.md")
    assert named.title == "my-note" and named.body_markdown == "Body only."
    # A heading that differs from the title stays in the body.
    kept = parse_markdown(b"---\ntitle: T\n---\n# Other\n\nx\n")
    assert kept.title == "T" and kept.body_markdown.startswith("# Other")


def test_hostile_values_are_cleaned() -> None:
    data = (
        "---\n"
        'title: "\\u001b]52;c;eA==\\u0007[@click=app.quit]x[/]\\u202e"\n'
        "url: javascript:alert(1)\n"
        "date: not a date\n"
        "tags: [\"\\u001b[2Jclear\", '']\n"
        "---\n\nText \x1b[31mred\x1b[0m \u202ehidden\n"
    ).encode()
    article = parse_markdown(data)
    assert article.url is None and article.published is None
    assert article.title == "]52;c;eA==[@click=app.quit]x[/]"
    assert article.tags == ["[2Jclear"]
    for value in (article.title, article.body_markdown, article.text, *article.tags):
        assert not set(value) & UNSAFE_CHARS


def test_deep_nesting_and_size_are_bounded() -> None:
    deep = b"---\ntitle: Deep\n---\n\n" + b"> " * 10_000 + b"deep quote\n"
    started = time.perf_counter()
    article = parse_markdown(deep)
    assert time.perf_counter() - started < 5
    assert "deep quote" in article.text
    lists = b"---\ntitle: Lists\n---\n\n" + b"".join(b"  " * i + b"- item\n" for i in range(1000))
    assert parse_markdown(lists).title == "Lists"
