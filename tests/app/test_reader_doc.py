"""The reader's document model: Markdown to blocks and lines, offsets, progressive pieces."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from tuireader.app.widgets.reader_doc import (
    Block,
    TextMap,
    align_words,
    build_document,
    layout_blocks,
)
from tuireader.app.widgets.reader_markdown import MarkdownConverter, split_markdown
from tuireader.store.views import ArticleView
from tuireader.text import UNSAFE_CHARS


def view(body: str, text: str | None = None, **kw: object) -> ArticleView:
    base = ArticleView(
        id=1,
        title="Title",
        url="https://example.org/a",
        canonical_url=None,
        author="Ann",
        published=datetime(2024, 5, 1, tzinfo=UTC),
        added=datetime(2024, 5, 1, tzinfo=UTC),
        site="example.org",
        language=None,
        body_markdown=body,
        text=body if text is None else text,
        word_count=len(body.split()),
        read=False,
        starred=False,
        archived=False,
        reading_position=0,
        last_opened=None,
    )
    return replace(base, **kw)  # type: ignore[arg-type]


def document(body: str, width: int = 60, **kw: object) -> tuple[list[Block], list[str], list]:
    blocks, lines, links = [], [], []
    for chunk in build_document(view(body, **kw), width, 1):
        blocks.extend(chunk.blocks)
        lines.extend(chunk.lines)
        links = chunk.links
    return blocks, [line.prefix + line.text.plain for line in lines], links


def test_links_are_numbered_and_listed_at_the_end() -> None:
    _, lines, links = document(
        "See [one](https://a.example/1), [two](http://b.example/) and [one again](https://a.example/1)."
    )
    text = "\n".join(lines)
    assert "one[1]" in text and "two[2]" in text and "one again[1]" in text
    assert links == ["https://a.example/1", "http://b.example/"]
    assert (
        lines.index("Links")
        < lines.index("[1] https://a.example/1")
        < lines.index("[2] http://b.example/")
    )


def test_images_show_their_number_and_alt_text() -> None:
    _, lines, _ = document("![first picture](a.png)\n\ntext ![second](b.png) and ![](c.png)")
    text = "\n".join(lines)
    assert "[image 1: first picture]" in text
    assert "[image 2: second]" in text
    assert "[image 3: no description]" in text


def test_markdown_structure_is_drawn() -> None:
    body = (
        "# Head\n\npara *em* **strong**\n\n- a\n- b\n  - c\n\n1. x\n2. y\n\n"
        "> quoted\n\n```\ncode  line\n```\n\n---\n"
    )
    blocks, lines, _ = document(body)
    kinds = [b.kind for b in blocks]
    assert {"heading", "para", "code", "rule"} <= set(kinds)
    assert "• a" in lines and "  • c" in lines and "1. x" in lines and "2. y" in lines
    assert "│ quoted" in lines
    assert "  code  line" in lines  # code keeps its spaces, indented
    heading = next(b for b in blocks if b.kind == "heading")
    assert heading.style == "reader.h1"
    para = next(b for b in blocks if b.text.plain.startswith("para"))
    styles = {str(span.style) for span in para.text.spans}
    assert {"reader.em", "reader.strong"} <= styles


def test_raw_html_and_markup_stay_text() -> None:
    _, lines, _ = document("<script>alert(1)</script> [bold]x[/bold] [@click=app.quit]y[/]")
    text = "\n".join(lines)
    assert "<script>alert(1)</script>" in text
    assert "[bold]x[/bold]" in text and "[@click=app.quit]y[/]" in text


def test_hostile_characters_never_reach_a_line() -> None:
    hostile = "a\x1b]52;c;aGk=\x07b \x1b[2J c\u009bd \x00e \u202ef"
    blocks, lines, _ = document(f"# {hostile}\n\n{hostile}\n\n`{hostile}`", title=hostile)
    for line in lines:
        assert not UNSAFE_CHARS.intersection(line), repr(line)


def test_wrapping_respects_width_and_keeps_offsets() -> None:
    body = " ".join(f"word{i}" for i in range(200))
    blocks, _, _ = document(body, width=30)
    chunks = list(build_document(view(body), 30, 1))
    lines = [line for c in chunks for line in c.lines]
    for line in lines:
        assert len(line.prefix + line.text.plain) <= 30
        block = blocks[line.block]
        if block.kind != "rule":
            assert block.text.plain[line.start : line.end] == line.text.plain


def test_text_map_round_trips_offsets_in_the_plain_text() -> None:
    body = "## Intro\n\nThe *quick* brown fox jumps over the lazy dog. " * 20
    plain = body.replace("## ", "").replace("*", "")
    chunks = list(build_document(view(body, text=plain), 40, 1))
    blocks = [b for c in chunks for b in c.blocks]
    lines = [line for c in chunks for line in c.lines]
    text_map = TextMap(blocks, lines)
    for target in ("brown", "lazy dog"):
        offset = plain.index(target, 300)
        line, column = text_map.position_of(offset)
        entry = lines[line]
        shown = (entry.prefix + entry.text.plain)[column:]
        assert shown.startswith(target.split()[0]), (shown, target)
        assert text_map.offset_at(line, column) == offset


def test_align_words_skips_words_missing_from_the_text() -> None:
    anchors, pointer = align_words("alpha beta gamma", "alpha gamma", 0)
    assert anchors == [(0, 0), (11, 6)]
    assert pointer == len("alpha gamma")


def test_big_articles_arrive_in_pieces_with_a_small_first_piece() -> None:
    body = "\n\n".join(f"Paragraph {i} " + "lorem ipsum " * 40 for i in range(600))
    assert len(body) > 290_000
    chunks = list(build_document(view(body), 80, 7))
    assert len(chunks) > 3
    assert chunks[-1].final and not any(c.final for c in chunks[:-1])
    assert len(chunks[0].lines) < len(chunks[1].lines)
    assert all(c.doc_id == 7 for c in chunks)


def test_split_markdown_keeps_fences_whole_and_repeats_reference_links() -> None:
    fence = "```\n" + "\n\n".join(["x" * 50] * 300) + "\n```"
    source = "[ref]: https://r.example/\n\n" + fence + "\n\nsee [it][ref]\n"
    pieces = list(split_markdown(source, first=100, rest=100))
    assert any(p.count("```") == 2 for p in pieces)
    converter = MarkdownConverter()
    for piece in pieces:
        converter.convert(piece)
    assert converter.links == ["https://r.example/"]


def test_layout_draws_rules_to_the_width() -> None:
    lines = layout_blocks([Block(text=__import__("rich.text").text.Text(""), kind="rule")], 20)
    assert lines[0].text.plain == "─" * 20


def test_an_offset_at_a_line_break_maps_to_the_next_line() -> None:
    body = " ".join(f"w{i:03d}" for i in range(60))
    chunks = list(build_document(view(body), 30, 1))
    blocks = [b for c in chunks for b in c.blocks]
    lines = [line for c in chunks for line in c.lines]
    text_map = TextMap(blocks, lines)
    body_lines = [i for i, line in enumerate(lines) if line.text.plain.startswith("w")]
    for index in body_lines[1:]:
        offset = text_map.offset_at(index, 0)
        assert text_map.position_of(offset) == (index, 0)
