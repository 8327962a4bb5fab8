"""A synthetic library for the benchmarks: deterministic, with a Zipf word mix.

Words follow Zipf's law (frequency ∝ 1/rank) over a vocabulary that starts with
the most common English words, so searches for ``the`` or ``and`` hit almost
every article and comment while rarer words hit a few.  Text is drawn from a
pool of generated sentences, which keeps generation cheap enough to feed the
bulk import at full speed.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from itertools import accumulate

from tuireader.importers.model import ParsedArticle, ParsedComment, ParsedNote

__all__ = [
    "VERSION",
    "COMMON_WORDS",
    "Corpus",
    "synthetic_articles",
    "BIG_ARTICLES",
    "big_article",
]

VERSION = 1
"""Bumped whenever the generated library changes (the cache is keyed by it)."""

_COMMON = (
    "the of and to a in is that for it as was with be by on not he this are or his from at "
    "which but have an had they you were their one all we can her has there been if more "
    "when will would who so no she other its may these about than them what some time only "
    "into could two then over also any new our first like people after most very just most "
    "years where those because between through under city government report said"
)
COMMON_WORDS = _COMMON.split()

_SYLLABLE_TEXT = (
    "ka lo mi ne ra to su vi be da fe gi ho ju ke li mo nu pa qui re si ta ul ve wo xa ye zo "
    "an el in on un ar er ir or ur as es is os us al il ol ul am em im om um"
)
_SYLLABLES = _SYLLABLE_TEXT.split()

BIG_ARTICLES = (("bench3k", 3_000), ("bench30k", 30_000), ("bench300k", 300_000))
"""The articles of known size the reader benchmark opens: (marker word, body bytes).

They are the newest articles, so they are the first rows of the list, in this order.
"""

BASE_DATE = datetime(2025, 1, 1, tzinfo=UTC)


class Corpus:
    """A Zipf vocabulary and a pool of sentences drawn from it."""

    def __init__(self, seed: int = 7, vocabulary: int = 40_000, sentences: int = 40_000) -> None:
        rng = random.Random(seed)
        words: list[str] = list(dict.fromkeys(COMMON_WORDS))
        seen = set(words)
        while len(words) < vocabulary:
            word = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4)))
            if word not in seen:
                seen.add(word)
                words.append(word)
        self.words = words
        cum = list(accumulate(1.0 / (rank + 1) for rank in range(len(words))))
        self.sentences: list[str] = []
        for _ in range(sentences):
            chosen = rng.choices(words, cum_weights=cum, k=rng.randint(6, 22))
            self.sentences.append(chosen[0].capitalize() + " " + " ".join(chosen[1:]) + ".")
        self.mid_words = words[200:5000]
        self.rare_words = words[20_000:]

    def paragraphs(self, rng: random.Random, size: int) -> list[str]:
        """Paragraphs of 3–6 sentences totalling about *size* characters."""
        out: list[str] = []
        total = 0
        while total < size:
            para = " ".join(rng.choices(self.sentences, k=rng.randint(3, 6)))
            out.append(para)
            total += len(para) + 2
        return out


def _comments(rng: random.Random, corpus: Corpus, count: int) -> list[ParsedComment]:
    comments: list[ParsedComment] = []
    for j in range(count):
        parent = None
        if j and rng.random() < 0.6:
            parent = f"k{rng.randrange(j)}"
        comments.append(
            ParsedComment(
                key=f"k{j}",
                parent_key=parent,
                author=f"user{rng.randrange(5000)}",
                text=" ".join(rng.choices(corpus.sentences, k=rng.randint(1, 3))),
                posted=BASE_DATE - timedelta(minutes=rng.randrange(5_000_000)),
            )
        )
    return comments


def big_article(corpus: Corpus, marker: str, size: int, rank: int) -> ParsedArticle:
    """An article of about *size* body bytes whose first words are *marker*."""
    rng = random.Random(size)
    paras = corpus.paragraphs(rng, size)
    paras[0] = f"{marker} begins here. " + paras[0]
    body = "\n\n".join(paras)
    return ParsedArticle(
        title=f"Benchmark article {marker}",
        body_markdown=body,
        text=body,
        url=f"https://bench.example/{marker}",
        site="bench.example",
        published=BASE_DATE + timedelta(days=10 - rank),
        comments=_comments(rng, corpus, 10),
    )


def synthetic_articles(
    n: int, *, seed: int = 7, corpus: Corpus | None = None
) -> Iterator[ParsedArticle]:
    """*n* articles (≈3 KB bodies, 10 comments each, some tags and notes), newest first.

    The first three are :data:`BIG_ARTICLES`; the rest are ordinary articles.
    """
    corpus = corpus or Corpus(seed)
    rng = random.Random(seed + 1)
    sites = [f"site{i}.example" for i in range(300)]
    tags = [f"topic-{w}" for w in corpus.words[300:340]]
    for rank, (marker, size) in enumerate(BIG_ARTICLES):
        if rank < n:
            yield big_article(corpus, marker, size, rank)
    for i in range(max(0, n - len(BIG_ARTICLES))):
        body = "\n\n".join(corpus.paragraphs(rng, 3000))
        title_words = rng.choices(corpus.mid_words, k=rng.randint(3, 8))
        notes = []
        if i % 20 == 0:
            notes.append(ParsedNote(text=" ".join(rng.choices(corpus.sentences, k=2))))
        yield ParsedArticle(
            title=" ".join(title_words).capitalize() + f" {i}",
            body_markdown=body,
            text=body,
            url=f"https://{sites[i % len(sites)]}/a/{i}",
            site=sites[i % len(sites)],
            author=f"Author {rng.randrange(2000)}",
            published=BASE_DATE - timedelta(minutes=37 * i + rng.randrange(30)),
            comments=_comments(rng, corpus, 10),
            tags=rng.sample(tags, k=rng.choice((0, 0, 1, 1, 2, 3))),
            notes=notes,
            read=rng.random() < 0.4,
            starred=rng.random() < 0.03,
        )
