"""The text-dump importer: the seed, dumps of other shapes, hostile input, properties."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from tuireader.importers import textdump
from tuireader.importers._textdump_comments import MAX_DEPTH
from tuireader.importers._textdump_dates import date_line
from tuireader.importers._textdump_rules import reply_to
from tuireader.importers.model import ImportError_, ParsedArticle
from tuireader.importers.textdump import looks_like_textdump, markdown_paragraph, parse_textdump
from tuireader.text import UNSAFE_CHARS

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "textdumps"
SEED_NAME = "000_d9db49b707615066.txt"
SEED_PLACES = [
    ROOT / "sample_data",
    ROOT.parent / "shared" / "seeds",
    ROOT.parents[1] / "shared" / "seeds",
]

CHROME_IN_SEED = [
    "2,500 $",
    "5,000 $",
    "1,460 $",
    "Support SouthFront",
    "Click to see the full-size image",
    "Notify of",
    "Newest Most Voted",
    "Inline Feedbacks",
    "View all comments",
    "Would love your thoughts",
    "1 Comment",
]


def seed_text() -> str:
    for place in SEED_PLACES:
        if (place / SEED_NAME).exists():
            return (place / SEED_NAME).read_text(encoding="utf-8")
    pytest.fail("the seed document was not found")


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def paragraphs(article: ParsedArticle) -> list[str]:
    return article.text.split("\n\n") if article.text else []


def everything(article: ParsedArticle) -> str:
    """Every text field of an article and its comments, joined."""
    parts = [
        article.title,
        article.body_markdown,
        article.text,
        article.site or "",
        article.author or "",
    ]
    for c in article.comments:
        parts += [c.key, c.author, c.text, c.parent_key or ""]
    return "\n".join(parts)


def assert_safe(article: ParsedArticle) -> None:
    bad = set(everything(article)) & UNSAFE_CHARS
    assert not bad, f"unsafe characters left: {sorted(map(hex, map(ord, bad)))}"


# --- the seed ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed() -> ParsedArticle:
    return parse_textdump(seed_text(), name="000_d9db49b707615066")


def test_seed_title(seed: ParsedArticle) -> None:
    assert (
        seed.title
        == "Iraqi Military Is Not Going To Launch Ground Operation Against ISIS In Syria: Report"
    )


def test_seed_has_exactly_the_six_article_paragraphs(seed: ParsedArticle) -> None:
    # The article paragraphs are the seed's lines of twenty words or more, before the comments.
    lines = seed_text().split("Notify of")[0].splitlines()
    expected = [line.strip() for line in lines if len(line.split()) >= 20]
    assert len(expected) == 6
    assert paragraphs(seed) == expected
    assert seed.body_markdown.split("\n\n") == expected  # nothing in them needs escaping
    assert paragraphs(seed)[0].startswith("The Iraqi Armed Forces are not going")
    assert paragraphs(seed)[-1].startswith("At the same time, some Iranian-backed units")


def test_seed_has_no_boilerplate_anywhere(seed: ParsedArticle) -> None:
    fields = [seed.title, seed.body_markdown, seed.text, seed.author or ""]
    fields += [part for c in seed.comments for part in (c.author, c.text)]
    for chrome in CHROME_IN_SEED:
        assert not any(chrome in field for field in fields), chrome


def test_seed_comment(seed: ParsedArticle) -> None:
    assert len(seed.comments) == 1
    comment = seed.comments[0]
    assert comment.key == "c1"
    assert comment.author == "Brother Ma"
    assert comment.text.startswith("Don’t make me laugh!")
    assert comment.text.endswith("assisting Assad.")
    assert comment.parent_key is None
    assert comment.posted is None
    assert comment.flat is False  # a wpDiscuz widget: replies would say "Reply to"


def test_seed_site_raw_and_format(seed: ParsedArticle) -> None:
    assert seed.site == "SouthFront"
    assert seed.raw == seed_text().encode("utf-8")
    assert seed.raw_format == "textdump"


def test_seed_keeps_curly_quotes_and_non_breaking_spaces(seed: ParsedArticle) -> None:
    # Decision: non-breaking spaces are kept as they are (not normalised to spaces).
    first, second = paragraphs(seed)[:2]
    assert "Syria,\u00a0Alghad" in first and "citing\u00a0 a military" in first
    assert "Iraq’s" in first
    assert second.startswith("“Surveillance") and "attack.”" in second
    assert "\u00a0" in seed.body_markdown
    assert_safe(seed)


# --- dumps of other shapes ---------------------------------------------------------------------

VARIANTS = {
    "no_comments.txt": dict(
        title="Harbor Authority Approves Dredging Plan for North Channel",
        paragraphs=6,
        site="Harbor Ledger",
        authors=[],
        parents=[],
        flat=None,
    ),
    "no_repeated_title.txt": dict(
        title="The Lamp That Outlived Its Lighthouse",
        paragraphs=5,
        site="keeperslog.net",
        authors=[],
        parents=[],
        flat=None,
    ),
    "wpdiscuz_many.txt": dict(
        title="Forest Service Closes Upper Cascade Trail After Rockfall",
        paragraphs=4,
        site="Ridgeline Review",
        authors=[
            "Dale Whitcomb",
            "Priya Raman",
            "Dale Whitcomb",
            "Tom Abernathy",
            "Gwen Ostrowski",
            "Luis Ferreira",
            "Hannah Yoo",
            "Marcus Bell",
            "Jo Kessler",
            "Anne-Marie Duval",
            "Sam",
            "Priya Raman",
        ],
        parents=[None, "c1", "c2", None, None, None, "c5", None, "c8", None, None, "c3"],
        flat=False,
    ),
    "wpdiscuz_nested.txt": dict(
        title="Bridge Toll Vote Delayed Again as Councils Disagree on Discounts",
        paragraphs=3,
        site="The Quay Dispatch",
        authors=[
            "Irene Castell",
            "Boris Lenk",
            "Irene Castell",
            "Boris Lenk",
            "Wojtek Nowak",
            "Chen Wei",
            "Maeve O'Rourke",
        ],
        parents=[None, "c1", "c2", "c3", None, "c3", None],
        flat=False,
    ),
    "wordpress_core.txt": dict(
        title="Why I Stopped Digging My Beds",
        paragraphs=5,
        site="The Slow Gardener",
        authors=["Rosa Delgado", "Ellen Marsh", "Peter Quill", "Amira Haddad", "Joe Bramley"],
        parents=[None] * 5,
        flat=True,
    ),
    "hn_thread.txt": dict(
        title="Ask HN: How do you keep offline copies of articles you want to reread?",
        paragraphs=2,
        site="Hacker News",
        authors=[
            "kestrel_9",
            "tomasz",
            "frey",
            "anon4421",
            "bluegill",
            "quietmoth",
            "kestrel_9",
            "marlowe",
            "lindenb",
        ],
        parents=[None, "c1", "c2", "c2", "c1", None, "c6", "c7", None],
        flat=False,
    ),
    "reddit.txt": dict(
        title="Why did so many mid-sized cities tear out their streetcars?",
        paragraphs=1,
        site="r/urbanplanning",
        authors=[
            "rail_historian",
            "tram_enthusiast",
            "rail_historian",
            "suburban_cyclist",
            "gridlock_gus",
        ],
        parents=[None, "c1", "c2", "c1", None],
        flat=False,
    ),
    "substack.txt": dict(
        title="The quiet return of the pocket notebook",
        paragraphs=3,
        site="Lena Ivers",
        authors=["Paul Brenner", "Ines Moreau"],
        parents=[None, None],
        flat=True,
    ),
    "disqus.txt": dict(
        title="Library Extends Weekend Hours After Petition",
        paragraphs=3,
        site="Northfield Courier",
        authors=["Beth Ann Morrow", "Gregor Vance", "Owen Park", "Deshawn Price"],
        parents=[None] * 4,
        flat=True,
    ),
}

# Lines of each fixture that are chrome and must appear nowhere in the result.
CHROME_LINES = {
    "no_comments.txt": [
        "Skip to content",
        "We use cookies",
        "Accept all",
        "Advertisement",
        "Share",
        "Tweet",
        "Click to enlarge",
        "Read more",
        "Related posts",
        "Ferry fares",
        "Subscribe",
        "Sign up",
        "All rights reserved",
        "Local\n",
    ],
    "no_repeated_title.txt": [
        "Home",
        "Archive",
        "Tags:",
        "Previous post",
        "Next post",
        "Keeper's Log",
    ],
    "wpdiscuz_many.txt": [
        "1,000 $",
        "Support",
        "Article Rating",
        "Notify of",
        "Label",
        "{}",
        "Name*",
        "Social Login",
        "Δ",
        "12 Comments",
        "Oldest",
        "Most Voted",
        "Inline Feedbacks",
        "View all comments",
        "Guest",
        "Reply",
        "Load More",
        "Would love",
        "()",
    ],
    "wpdiscuz_nested.txt": ["Notify of", "7 Comments", "Reply to", "Would love", "Support"],
    "wordpress_core.txt": [
        "Skip to content",
        "Posted in",
        "thoughts on",
        "says:",
        "Reply",
        "Leave a",
        "Required fields",
        "Save my name",
        "Post Comment",
        "Akismet",
        "Recent Posts",
        "Planting garlic",
        "Proudly powered",
    ],
    "hn_thread.txt": [
        "points by",
        "hide | past",
        "help",
        "[–]",
        "reply",
        "Guidelines",
        "Search:",
        "submit",
    ],
    "reddit.txt": [
        "level",
        "Share",
        "Save",
        "Report",
        "Follow",
        "OP",
        "Upvoted",
        "Sort by",
        "312 comments",
        "Join",
        "yr. ago",
        "Posted by",
    ],
    "substack.txt": [
        "Subscribe",
        "Sign in",
        "Share",
        "42",
        "Likes",
        "12 Comments",
        "Top",
        "Latest",
        "Discussion",
        "Reply",
        "Ready for more",
        "paid subscribers",
        "Margin Notes",
        "Privacy",
    ],
    "disqus.txt": [
        "Share this",
        "Advertisement",
        "4 Comments",
        "Login",
        "Recommend",
        "Sort by Best",
        "Join the discussion",
        "DISQUS",
        "Avatar",
        "Share ›",
        "• 2 years ago",
        "Load more",
        "Do Not Sell",
    ],
}


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_variant_shape(name: str) -> None:
    expected = VARIANTS[name]
    article = parse_textdump(fixture(name), name=name)
    assert article.title == expected["title"]
    assert len(paragraphs(article)) == expected["paragraphs"]
    assert article.site == expected["site"]
    assert [c.author for c in article.comments] == expected["authors"]
    assert [c.parent_key for c in article.comments] == expected["parents"]
    assert [c.key for c in article.comments] == [f"c{i + 1}" for i in range(len(article.comments))]
    if expected["flat"] is not None:
        assert {c.flat for c in article.comments} == {expected["flat"]}
    assert all(c.text.strip() for c in article.comments)
    assert article.raw_format == "textdump" and article.raw == fixture(name).encode()
    assert_safe(article)


@pytest.mark.parametrize("name", sorted(CHROME_LINES))
def test_variant_chrome_is_dropped(name: str) -> None:
    article = parse_textdump(fixture(name), name=name)
    body = article.text + "\n"
    comments = "\n".join(c.text + "\n" + c.author for c in article.comments)
    for chrome in CHROME_LINES[name]:
        assert chrome not in body, f"{chrome!r} in body"
        assert chrome not in comments, f"{chrome!r} in comments"


def test_no_comments_meta_heading_and_lead() -> None:
    article = parse_textdump(fixture("no_comments.txt"))
    assert article.comments == []
    assert article.author == "Marta Lindqvist"
    assert article.published == datetime(2024, 3, 3, 10, 15, tzinfo=UTC)
    assert paragraphs(article)[0].startswith("The Port Harrow Harbor Authority voted 5–2")
    assert "\n\n## Environmental concerns\n\n" in article.body_markdown
    assert "Environmental concerns" in paragraphs(article)  # the plain text keeps it plain
    assert "“We have been losing ships" in article.text


def test_hard_wrapped_paragraphs_are_joined() -> None:
    article = parse_textdump(fixture("no_repeated_title.txt"))
    first = paragraphs(article)[0]
    assert first.startswith("When the Skerry Point light") and first.endswith(
        "seen anything like it."
    )
    assert "the lens was already more" in first  # joined across the wrap
    assert "\n" not in first
    assert "The old tower on the rock is a ruin now." in paragraphs(article)
    assert article.author == "Tobias Wren"
    assert article.published == datetime(2023, 1, 12, tzinfo=UTC)


def test_wordpress_core_dates_and_multiline_comment() -> None:
    article = parse_textdump(fixture("wordpress_core.txt"))
    posted = [c.posted for c in article.comments]
    assert posted[0] == datetime(2024, 3, 3, 10, 15, tzinfo=UTC)
    assert posted[2] == datetime(2024, 3, 4, 19, 48, tzinfo=UTC)  # 7:48 pm
    assert all(p is not None and p.tzinfo is UTC for p in posted)
    amira = article.comments[3].text
    assert "somewhere to hide." in amira and amira.endswith("last summer.")
    assert article.author == "Ellen Marsh"
    assert article.published == datetime(2024, 3, 3, tzinfo=UTC)


def test_wpdiscuz_nested_depth_and_paragraphs() -> None:
    article = parse_textdump(fixture("wpdiscuz_nested.txt"))
    by_key = {c.key: c for c in article.comments}

    def depth(key: str) -> int:
        parent = by_key[key].parent_key
        return 0 if parent is None else 1 + depth(parent)

    assert max(depth(k) for k in by_key) == 3
    assert depth("c4") == 3
    assert by_key["c4"].text == (
        "Because the bridge fund is already short. Every discount has to be paid for by "
        "someone.\n\nThat is the part nobody wants to say out loud."
    )


def test_hn_thread_details() -> None:
    article = parse_textdump(fixture("hn_thread.txt"))
    assert article.author == "marlowe"
    assert article.comments[5].text.count("\n\n") == 1
    assert all(not c.text.endswith("reply") for c in article.comments)


def test_reply_to_unknown_name_is_top_level() -> None:
    text = (
        "A Title That Is Long Enough Here\n\n" + "Body words " * 15 + "end.\n\nNotify of\n"
        "Alice Brown\n\nFirst comment text here.\n\nBob Gray\n Reply to  Nobody Known\n\n"
        "Second comment text.\n"
    )
    article = parse_textdump(text)
    assert [c.author for c in article.comments] == ["Alice Brown", "Bob Gray"]
    assert [c.parent_key for c in article.comments] == [None, None]


def test_hn_depth_is_capped() -> None:
    header = "Deep Thread About Nothing In Particular\n1 points by op 1 hour ago | hide\n\n"
    rows = ["u0 1 hour ago | next [–]\n\nroot comment\nreply\n"]
    rows += [
        f"u{i} 1 hour ago | root | parent | next [–]\n\nreply {i}\nreply\n" for i in range(1, 150)
    ]
    article = parse_textdump(header + "\n".join(rows))
    assert len(article.comments) == 150
    by_key = {c.key: c for c in article.comments}

    def depth(key: str) -> int:
        d = 0
        while by_key[key].parent_key:
            key, d = by_key[key].parent_key, d + 1  # type: ignore[assignment]
        return d

    assert max(depth(k) for k in by_key) == MAX_DEPTH
    assert by_key["c3"].parent_key == "c2"


def test_reddit_levels_and_poster() -> None:
    article = parse_textdump(fixture("reddit.txt"))
    assert article.author == "u/tram_enthusiast"
    assert article.comments[0].text.count("\n\n") == 1


def test_hn_comment_keeps_code_and_url_lines() -> None:
    text = (
        "A Question About Callbacks In Scripts\n"
        "10 points by asker 2 hours ago | hide | past | favorite | 2 comments\n"
        "https://example.org/callbacks\n\n"
        "coder 1 hour ago | next [–]\n\n"
        "Try this:\n  run(() => {\n    go();\n  })\nhttps://example.org/docs\n"
        "reply\n\n"
        "other 1 hour ago | prev [–]\n\n0\nYes.\nreply\n"
    )
    article = parse_textdump(text)
    assert article.text == "https://example.org/callbacks"
    assert article.comments[0].text == (
        "Try this:\n  run(() => {\n    go();\n  })\nhttps://example.org/docs"
    )
    assert article.comments[1].text == "Yes."  # a bare number is a vote count


def test_leave_a_comment_link_above_the_article_does_not_end_it() -> None:
    long = "This paragraph of the article is long enough to count as real text for sure. "
    text = (
        "The Day The River Froze Over\n\n"
        "A short standfirst that sums the story up in a few words\n"
        "Leave a comment\n\n" + long * 2 + "\n\n" + long + "Second.\n\n"
        "Leave a Reply\nYour email address will not be published.\nPost Comment\n"
    )
    article = parse_textdump(text)
    assert len(paragraphs(article)) == 3
    assert article.comments == []


def test_body_text_about_cookies_is_kept() -> None:
    sentence = "The court found that tracking cookies require consent from every user."
    text = "Court Rules On Tracking Cookies\n\n" + sentence + "\n\nWe use cookies to improve "
    text += "your experience. By continuing you accept our cookie policy.\n"
    article = parse_textdump(text)
    assert paragraphs(article) == [sentence]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("March 3, 2024 at 10:15 am", (True, datetime(2024, 3, 3, 10, 15, tzinfo=UTC))),
        ("Posted on 7 November 2017", (True, datetime(2017, 11, 7, tzinfo=UTC))),
        ("Nov. 7, 2017, 5:32 p.m.", (True, datetime(2017, 11, 7, 17, 32, tzinfo=UTC))),
        ("2024-03-03T10:15:00+02:00", (True, datetime(2024, 3, 3, 8, 15, tzinfo=UTC))),
        ("Sunday, 12th of May 2019 12:05 am", (True, datetime(2019, 5, 12, 0, 5, tzinfo=UTC))),
        ("• 3 years ago", (True, None)),
        ("· 2 yr. ago", (True, None)),
        ("5h ago", (True, None)),
        ("yesterday", (True, None)),
        ("Mar 3", (True, None)),
        ("February 30, 2024", (True, None)),
        ("It was 3 years ago", (False, None)),
        ("Brother Ma", (False, None)),
    ],
)
def test_date_lines(line: str, expected: tuple[bool, datetime | None]) -> None:
    assert date_line(line) == expected


def test_cjk_article() -> None:
    text = (
        "新闻\n国际\n伊拉克军方表示不会对叙利亚境内的武装分子发动地面行动\n\n2024年3月3日\n\n"
        "伊拉克联合行动司令部的一名军事消息人士周二表示，伊拉克武装部队不会在叙利亚境内开展地面军事行动。\n\n"
        "消息人士称，边境已经完全安全。\n\n分享\n"
    )
    article = parse_textdump(text)
    assert article.title == "伊拉克军方表示不会对叙利亚境内的武装分子发动地面行动"
    assert article.published == datetime(2024, 3, 3, tzinfo=UTC)
    assert paragraphs(article) == [
        "伊拉克联合行动司令部的一名军事消息人士周二表示，伊拉克武装部队不会在叙利亚境内开展地面军事行动。",
        "消息人士称，边境已经完全安全。",
    ]
    assert looks_like_textdump(text)


def test_substack_standfirst_and_dates_without_year() -> None:
    article = parse_textdump(fixture("substack.txt"))
    assert (
        paragraphs(article)[0] == "Why paper is winning again among people who write for a living"
    )
    assert article.published == datetime(2024, 3, 3, tzinfo=UTC)
    assert [c.posted for c in article.comments] == [None, None]  # "Mar 3": no year


@pytest.mark.parametrize(
    ("line", "name"),
    [
        (" Reply to  Brother Ma", "Brother Ma"),
        ("In reply to @jdoe", "jdoe"),
        ("Replying to the question, he said no.", None),
        ("Reply", None),
    ],
)
def test_reply_to_lines(line: str, name: str | None) -> None:
    assert reply_to(line.strip()) == name


# --- titles from elsewhere -----------------------------------------------------------------


def test_title_from_file_name_when_text_starts_with_a_paragraph() -> None:
    body = (
        "This dump starts straight away with a long paragraph of text, as when someone "
        "selects only the article body and pastes it into a file.\n\nA second paragraph.\n"
    )
    article = parse_textdump(body, name="my_saved_article.txt")
    assert article.title == "my saved article"
    assert len(paragraphs(article)) == 2
    untitled = parse_textdump(body)
    assert untitled.title.startswith("This dump starts straight away") and untitled.title.endswith(
        "…"
    )
    assert len(untitled.title) <= 81


def test_title_with_site_prefix_or_suffix() -> None:
    rest = "\n\n" + "Words of the article body go here " * 4 + "and end.\n"
    for line in (
        "Sparrows Return to the Old Mill | Mill Gazette",
        "Mill Gazette – Sparrows Return to the Old Mill",
    ):
        article = parse_textdump(line + "\n\nSparrows Return to the Old Mill" + rest)
        assert article.title == "Sparrows Return to the Old Mill"
        assert article.site == "Mill Gazette"
        assert len(paragraphs(article)) == 1


# --- sniffing ------------------------------------------------------------------------------------


def test_looks_like_textdump_accepts_dumps() -> None:
    assert looks_like_textdump(seed_text())
    for name in VARIANTS:
        assert looks_like_textdump(fixture(name)), name


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\t\n",
        "<!DOCTYPE html><html><head><title>x</title></head>"
        "<body><p>Hello there world</p></body></html>",
        "<?xml version='1.0'?><rss><channel><title>Feed of things</title></channel></rss>",
        '{"title": "A JSON export", "items": [1, 2, 3]}',
        '[{"url": "https://example.org", "title": "an export row"}]',
        "\x00\x01\x02binary\x00data with some words in it",
        "".join(chr(c) for c in range(1, 32)) * 50 + " some words here",
        "aGVsbG8gd29ybGQ=" * 100,
        "<div><p>one</p><p>two</p><p>three</p><p>four</p><p>five words here ok</p></div>",
    ],
)
def test_looks_like_textdump_rejects_other_formats(text: str) -> None:
    assert not looks_like_textdump(text)


# --- hostile input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "\n\n\t \n",
        "\u00a0\u2028\r\n",
        "Share\nTweet\nNotify of\n0 $\n",
        "\x1b\x07\x00\x9b\u202e",
    ],
)
def test_nothing_usable_raises(text: str) -> None:
    with pytest.raises(ImportError_, match="no article text found"):
        parse_textdump(text)


def test_non_text_and_too_large_raise(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ImportError_):
        parse_textdump(b"bytes are not text")  # type: ignore[arg-type]
    monkeypatch.setattr(textdump, "MAX_CHARS", 1000)
    with pytest.raises(ImportError_, match="too large"):
        parse_textdump("word " * 1000)
    monkeypatch.setattr(textdump, "MAX_LINES", 10)
    with pytest.raises(ImportError_, match="too many lines"):
        parse_textdump("line of words\n" * 20)


def test_one_megabyte_line_is_fast() -> None:
    line = ("lorem ipsum dolor sit amet " * 40000)[:1_000_000]
    start = time.perf_counter()
    article = parse_textdump(line)
    assert time.perf_counter() - start < 10
    assert len(article.text) > 999_000
    start = time.perf_counter()
    article = parse_textdump("x" * 1_000_000 + "\n\n" + "Notify of\n" + "a" * 500_000)
    assert time.perf_counter() - start < 10


def test_one_huge_comment_is_fast() -> None:
    text = "An Article Title Long Enough\n\n" + "Article body words " * 10 + "end.\n\nNotify of\n"
    text += "Ann Lee\n3 hours ago\n" + "one line of a very long comment\n" * 90_000
    start = time.perf_counter()
    article = parse_textdump(text)
    assert time.perf_counter() - start < 30
    assert len(article.comments) == 1 and article.comments[0].text.count("\n") == 89_999


def test_many_lines_are_fast() -> None:
    text = "\n".join(
        f"Commenter {i % 50}\n3 hours ago\n\nSome text number {i}.\n\nReply" for i in range(8000)
    )
    start = time.perf_counter()
    article = parse_textdump(
        "A Long Thread Of Many Comments\n\n" + "Body text " * 30 + "\n\nLeave a Reply\n" + text
    )
    assert time.perf_counter() - start < 30  # generous: the test machine may be busy
    assert len(article.comments) == 8000


def test_markup_and_escapes_are_plain_safe_text() -> None:
    text = (
        "[@click=app.quit]x[/] \x1b]52;c;AAAA\x07 Title Line\n\n"
        "Body with [bold]markup[/bold] and [@click=app.quit]x[/] and an OSC \x1b]52;c;AAAA\x07 "
        "and a CSI \x1b[2J and C1 \x9b31m and RLO \u202e and NUL \x00 in a long paragraph.\n\n"
        "Notify of\n[link=file:///etc/passwd]Mallory[/link]\n\nComment \x1b]2;pwned\x07 "
        "[@click=app.quit]x[/] text.\n"
    )
    article = parse_textdump(text)
    assert_safe(article)
    assert article.title == "[@click=app.quit]x[/] ]52;c;AAAA Title Line"
    assert "[@click=app.quit]x[/]" in article.text and "[bold]markup[/bold]" in article.text
    assert "]52;c;AAAA" in article.text and "\x1b" not in article.text
    assert "[@click=app.quit]x[/]" in article.body_markdown
    comment = article.comments[0]
    assert comment.author == "[link=file:///etc/passwd]Mallory[/link]"
    assert comment.text == "Comment ]2;pwned [@click=app.quit]x[/] text."


def test_lone_surrogates_become_replacement_characters() -> None:
    article = parse_textdump(
        "Some Title For The Page\n\nText with a \ud800 lone surrogate in it, "
        "long enough to be a paragraph of the article body."
    )
    assert "\ufffd" in article.text and "\ud800" not in everything(article)
    assert isinstance(article.raw, bytes)


# --- Markdown -------------------------------------------------------------------------------------

_MD = MarkdownIt("gfm-like")


def rendered_text(markdown: str) -> list[tuple[str, str]]:
    """(block type, plain text) of each block Markdown renders *markdown* into."""
    blocks: list[tuple[str, str]] = []
    tokens = _MD.parse(markdown)
    for i, token in enumerate(tokens):
        if token.type == "inline":
            text = "".join(
                c.content for c in token.children or [] if c.type in ("text", "text_special")
            )
            blocks.append((tokens[i - 1].type, text))
    return blocks


@pytest.mark.parametrize(
    "text",
    [
        "# not a heading",
        "- not a list",
        "1. not a list",
        "> not a quote",
        "***",
        "---",
        "[x](javascript:alert(1)) and ![i](file:///etc/passwd)",
        "<b>html</b> &amp; &#65;",
        "a *b* _c_ `d` ~~e~~ \\ f",
        "[ref]: http://example.org",
        "```",
        "2024) was a year",
        "see https://example.org/a_b*c (and http://x.org/<b>) or (http://x.org/a).",
        "http://x.org\\#, http://x.org&amp; https://x.org/%41 www.example.com/_x_",
    ],
)
def test_markdown_paragraph_renders_as_the_plain_text(text: str) -> None:
    assert rendered_text(markdown_paragraph(text)) == [("paragraph_open", text)]


def test_markdown_keeps_plain_urls_clickable() -> None:
    tokens = _MD.parseInline(markdown_paragraph("read https://example.org/a_b_c now"))[0].children
    links = [t.attrs["href"] for t in tokens or [] if t.type == "link_open"]
    assert links == ["https://example.org/a_b_c"]


_MD_PIECES = st.sampled_from(
    [*"abc 12#*_-+>[]()<>&;!`~\\|=:./", "&amp;", "&#65;", "http://x.org", "https://a.b/c_d"]
    + ["www.x.com", "<b>", "](", "1.", "- ", "[x]: ", "\u00a0"]
)
_ANY_CHARS = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1)


@settings(max_examples=600, deadline=None)
@given(
    st.one_of(_ANY_CHARS, st.lists(_MD_PIECES, min_size=1, max_size=30).map("".join))
    .map(lambda s: " ".join(s.split()))
    .filter(bool)
)
def test_markdown_paragraph_property(text: str) -> None:
    """Any one-line text, with markup and URLs, renders as exactly that text."""
    assert rendered_text(markdown_paragraph(text)) == [("paragraph_open", text)]


# --- properties ---------------------------------------------------------------------------------

_VOCAB = st.sampled_from(
    [
        "",
        "",
        "Notify of",
        "12 Comments",
        "Reply",
        "reply",
        " Reply to  Ann Lee",
        "Ann Lee",
        "Bob Stone says:",
        "March 3, 2024 at 10:15 am",
        "3 hours ago",
        "Leave a Reply",
        "user 2 hours ago | parent | next [–]",
        "x 1 day ago | root | parent | prev | next [–]",
        "12 points by op 3 hours ago | hide | past | favorite | 4 comments",
        "Support SouthFront",
        "2,500 $",
        "Some Title Of An Article Here",
        "Some Title Of An Article Here | Site Name",
        "A sentence of ordinary body text that goes on for a while to look like a paragraph.",
        "Short line",
        "© 2024 Example Media. All rights reserved.",
        "example.org",
        "By Jane Doe",
        "Related posts",
        "Tags: a, b",
        "\x1b]52;c;AAAA\x07",
        "[@click=app.quit]x[/]",
        "\u202e\x9b",
        "Would love your thoughts, please comment.x",
        "Guest",
        "0",
        "• 3 years ago",
    ]
)


def check_result(text: str) -> None:
    try:
        article = parse_textdump(text, name="n\x1bame")
    except ImportError_:
        return
    assert isinstance(article, ParsedArticle)
    assert_safe(article)
    assert article.title
    assert article.text or article.comments
    keys = [c.key for c in article.comments]
    assert all(
        c.parent_key is None or keys.index(c.parent_key) < keys.index(c.key)
        for c in article.comments
    )


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_gives_a_safe_article_or_import_error(text: str) -> None:
    check_result(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_VOCAB, st.text(max_size=40)), max_size=60))
def test_any_mix_of_dump_lines_gives_a_safe_article_or_import_error(lines: list[str]) -> None:
    check_result("\n".join(lines))


def test_wordpress_says_header_with_an_initial() -> None:
    """A "NAME says:" header whose name ends in an initial keeps the name, not "says:"."""
    article = parse_textdump(fixture("wordpress_initial_author.txt"))
    assert article.title == "The Quiet Economics of Community Gardens"
    assert article.author == "Jane Miller"
    assert len(article.text.split("\n\n")) == 3
    assert [c.author for c in article.comments] == ["Tom Baker", "Jane Miller", "Priya S."]
    assert all(c.posted is not None for c in article.comments)
    for chrome in ("Share this", "Leave a Reply", "Post Comment", "Reply"):
        assert chrome not in article.text
    assert not any(c.text.strip() == "Reply" for c in article.comments)
