"""Line rules for the text-dump importer: page chrome, comment-widget chrome, headers, sites.

Every predicate here looks at one line that is already stripped and made safe.
Only short lines (see :data:`SHORT`) can be chrome, headers or dates: the patterns
never run over a long line, so a megabyte-long line costs a length check.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import lru_cache

from tuireader.importers._textdump_dates import date_line
from tuireader.text import collapse_ws

SHORT = 200
"""Only lines up to this many characters can be chrome, headers or dates."""

_EDGE = " \t\u00a0\u200b\u2022\u00b7|»«›‹→←↓↑▸▾►◄▶◀>:*-–—"


def bar_set(text: str) -> frozenset[str]:
    """The set of the ``|``-separated entries of *text* (newlines ignored)."""
    return frozenset(entry.strip() for entry in text.replace("\n", "").split("|"))


def norm(line: str) -> str:
    """Casefold *line*, collapse its whitespace and trim bullets, arrows and colons."""
    return _norm(line) if len(line) <= SHORT * 2 else collapse_ws(line).casefold().strip(_EDGE)


@lru_cache(maxsize=16384)
def _norm(line: str) -> str:
    return collapse_ws(line).casefold().strip(_EDGE)


# Whole lines (after :func:`norm`) that are navigation, sharing, forms or widget chrome.
_CHROME_WORDS = """
share|share this|share this article|share this story|share this post|share on facebook|
share on twitter|share on x|share via email|tweet|pin|pin it|email|e-mail|print|facebook|
twitter|x|linkedin|reddit|whatsapp|telegram|pinterest|tumblr|pocket|flipboard|vk|mastodon|
copy link|copy|link copied|like|like this|likes|liked by 1 person|loading...|loading|
previous|next|prev|previous article|next article|previous post|next post|older post|newer post|
older posts|newer posts|previous story|next story|read more|continue reading|more|
subscribe|subscribe now|sign up|sign in|log in|login|log out|logout|register|join|follow|
follow us|newsletter|menu|main menu|search|close|skip to content|skip to main content|home|
toggle navigation|open menu|advertisement|advertisements|ad|ads|sponsored|sponsored content|
promoted|advert|scroll to continue|scroll to continue with content|accept|accept all|
accept cookies|reject|reject all|decline|manage preferences|cookie settings|cookie policy|
privacy policy|privacy|terms of service|terms of use|terms and conditions|got it|ok|i agree|
agree|allow all|notify of|newest|oldest|most voted|newest most voted|oldest newest most voted|
inline feedbacks|view all comments|load more comments|reply|log in to reply|login to reply|
reply ↓|cancel reply|post comment|submit|comment|comments|name|name*|name *|email*|email *|
website|comment *|comment*|label|guest|member|author|admin|moderator|edit|report|flag|
permalink|hide|collapse|expand|show more|show less|load more|view replies|hide replies|
show replies|more replies|upvote|downvote|vote up|vote down|votes|vote|article rating|
sort by|sort by best|best|top|new|old|join the discussion|join the conversation|discussion|
add comment|help|link|parent|context|click to see the full-size image|click to enlarge|
click to expand|zoom|{}|[+]|[-]|[–]|δ|new follow-up comments|new replies to my comments|
notify of new replies to this comment|edited|source|sources|advertisement - scroll to continue|
avatar|log in with|or sign up with disqus ?|or sign up with disqus|recommend|do not sell my data|
share ›|reply •|• reply|•|save|restack|expand full comment|image|photo|listen|view comments|
show comments|hide comments|story continues below advertisement|continue reading the main story|
give gift|gift this article|share full article|see more|read the full article|get started|
get the app|open in app|lists|ready for more?
"""
CHROME = bar_set(_CHROME_WORDS)

# Bare markers after which the rest of the article area is "related/next" lists.
TAIL_MARKERS = bar_set(
    """related|related posts|related articles|related stories|related content|related news|
you may also like|you might also like|recommended|recommended for you|more from|more stories|
read next|most popular|most read|popular posts|popular|trending|trending now|latest|
latest news|latest posts|recent posts|recent comments|see also|also read|about the author|
article rating|previous article|next article|previous post|next post|older post|newer post|
share this|like this|tags|categories|more on this story|in other news|editor's picks"""
)

_CHROME_PATTERNS = (
    r"(?:support|donate to)\s+(?:us|our\s+\w+(?:\s+\w+)?|independent\s+\w+|this\s+"
    r"(?:site|website|blog|project|work))(?:\s+\w+)?!?",
    r"donate(?: now| today)?|become a (?:patron|member|supporter)(?: of\b.{0,40})?",
    r"(?:\d+|no|one|zero)\s+(?:comments?|responses?|replies)(?:\s+so far)?",
    r"comments?\s*\(\d+\)",
    r"would love your thoughts,? please comment\.?x?",
    r"last edited .{0,80}\bago\b.*",
    r"vote up\s*-?\d*\s*vote down",
    r"-?\d+\s+votes?(?:\s+article rating)?",
    r"click to (?:see|view|enlarge|expand|open|play)\b.*",
    r"(?:(?:photo|image|picture|video|cover)\s+)?(?:credits?|courtesy)\s*:.*",
    r"(?:tags?|topics?|categories|category|labels?|keywords)\s*:.*",
    r"(?:filed under|posted in|tagged(?: as| with)?)\s*:?\s*\S.*(?<![.!?])",
    r"(?:read more|read also|also read|see also|read next|related|more|watch|listen|"
    r"recommended|opinion|editor's pick)\s*:\s*\S.*",
    r"(?:share|tweet|email|print)\s+(?:on|via|this|to|it)\b(?:\s+\S+){0,3}",
    r"[\d.,]+\s*[km]?(?:\s+(?:shares?|views?|likes?|reads?|claps?|points?))?",
    r"(?:photo(?:graph)?|image|picture)s?\s*(?:by|:|credit:?|courtesy of)\s*.{0,60}",
    r".{0,60}/\s*(?:getty images|reuters|afp|ap|shutterstock|alamy|epa)",
    r"\d+\s*(?:-|–)?\s*min(?:ute)?s?\s+read|reading time\b.*|listen to (?:this|the) article.*",
    r"(?:©|\(c\)).*|copyright\b.*(?:\d{4}|©).*|.*\ball rights reserved\.?",
    r"(?:sign up|subscribe)\b.*\b(?:newsletter|updates|inbox|e-?mail|alerts?)\b.*",
    r"skip to\b.{0,30}|advertisement\b.{0,40}|(?:sponsored|promoted)(?: by\b.*)?",
    r"(?:your )?email address will not be published\b.*|required fields are marked.*",
    r"save my name, email,? and website\b.*|this site uses akismet\b.*",
    r"you must be (?:logged in|registered)\b.*|comments are closed\.?",
    r"leave a (?:reply|comment)\b.*|(?:proudly )?powered by\s+\S+(?:\s+\S+){0,2}",
    r"i allow to create an account\b.*|when you login first time using\b.*",
    r"\d+\s+points?\s+by\s+\S+.*",
    r"(?:hacker news\s*)?new \| past \| comments \| ask \| show \| jobs \| submit.*",
    r"guidelines \| faq \|.*|search:|hide \| past \| favorite.*",
    r"(?:\d+\s+)?(?:older|newer|more)\s+comments?(?: »| ›)?",
    r"(?:posted|published|updated|last updated|modified)\s*(?:on|:)?\s*",
)
_CHROME_RE = re.compile("|".join(f"(?:{p})" for p in _CHROME_PATTERNS), re.I)
_COOKIE_WHO = re.compile(
    r"\b(?:we|our|this (?:web)?site|by (?:continuing|using|clicking|browsing))\b", re.I
)
_COOKIE_WHAT = re.compile(
    r"\b(?:use|uses|using|accept|agree|consent|experience|improve|personali[sz]e|policy|"
    r"settings|preferences)\b",
    re.I,
)
_NOISE = re.compile(r"[\d\s.,:;%+\-–—−/#*•·|()\[\]{}$€£¥₽¢_=~^'\"…<>!?@&]*")
_SEPS = re.compile(r"\s+(?:»|›|>|/|\|)\s+")


def is_noise(line: str) -> bool:
    """True for short lines of only digits, punctuation and currency (counters, amounts)."""
    return len(line) <= 60 and _NOISE.fullmatch(line) is not None


def is_chrome(line: str) -> bool:
    """True when a (stripped) line is page or widget chrome, never article text."""
    return len(line) <= SHORT * 2 and _is_chrome(line)


@lru_cache(maxsize=8192)
def _is_chrome(line: str) -> bool:
    key = norm(line)
    if not key or key in CHROME or key in TAIL_MARKERS or is_noise(line) or is_support_line(line):
        return True
    if len(line) <= SHORT and _CHROME_RE.fullmatch(key):
        return True
    if "cookie" in key and _COOKIE_WHO.search(key) and _COOKIE_WHAT.search(key):
        return True  # a cookie banner
    if "://" not in line and _DOMAIN.fullmatch(line):
        return True
    parts = _SEPS.split(key)
    return len(parts) >= 3 and all(len(p.split()) <= 4 for p in parts)  # breadcrumbs, nav bars


_TAIL_RE = re.compile(r"(?:tags?|categories|tagged as)\s*:.*|(?:more|recommended) from\b.*")


def is_tail_marker(line: str) -> bool:
    """True for a bare "Related posts" / "Tags:" style marker that ends the article text."""
    if len(line) > 60:
        return False
    key = norm(line)
    return key in TAIL_MARKERS or bool(_TAIL_RE.fullmatch(key))


_SECTION = re.compile(
    r"notify of|inline feedbacks|view all comments|newest most voted|"
    r"(?:\d+|one|no)\s+(?:thoughts?|responses?|repl(?:y|ies)|comments?)\s+(?:on|to)\b.*|"
    r"leave a (?:reply|comment)\b.*|join the discussion.*|comments are closed\.?",
    re.I,
)
_SECTION_MAYBE = re.compile(
    r"(?:\d+\s+)?(?:comments?|responses?|discussion|reader comments)(?:\s*\(\d+\))?", re.I
)


def is_section_start(line: str) -> bool:
    """True for chrome that only a comment widget shows ("Notify of", "5 thoughts on ...")."""
    return len(line) <= SHORT and _SECTION.fullmatch(norm(line)) is not None


def is_section_maybe(line: str) -> bool:
    """True for a weak comment-section heading ("12 Comments", "Comments")."""
    return len(line) <= 40 and _SECTION_MAYBE.fullmatch(norm(line)) is not None


_TERMINATOR = re.compile(
    r"leave a (?:reply|comment)\b.*|cancel reply|(?:©|\(c\)).*|copyright\b.*(?:\d{4}|©).*|"
    r".*\ball rights reserved\.?|privacy policy|terms of (?:service|use)|guidelines \| faq \|.*|"
    r"search:|load more comments|comments are closed\.?|"
    r"(?:proudly )?powered by\s+\S+(?:\s+\S+){0,2}|"
    r"related(?: posts| articles| stories)?|you may also like|you might also like|"
    r"post comment|your email address will not be published\b.*|"
    r"would love your thoughts,? please comment\.?x?",
    re.I,
)


def is_terminator(line: str) -> bool:
    """True for a line after which the current comment cannot continue (forms, footers)."""
    return len(line) <= SHORT and _TERMINATOR.fullmatch(norm(line)) is not None


_SEPARATOR = bar_set(
    """reply|log in to reply|login to reply|reply ↓|reply to this comment|report|share|
permalink|edit|like|flag|link|vote up|vote down|upvote|downvote|reply • share ›|reply share"""
)


def is_separator(line: str) -> bool:
    """True for the "Reply" button that closes a comment."""
    return len(line) <= 40 and norm(line) in _SEPARATOR


_REPLY_TO = re.compile(r"(?:in\s+)?repl(?:y|ying|ied)\s+to\s+@?(.{1,80}?)[.:]?", re.I)


def reply_to(line: str) -> str | None:
    """The name in a "Reply to  NAME" / "In reply to NAME" line, else ``None``."""
    if len(line) > 100:
        return None
    m = _REPLY_TO.fullmatch(line)
    if not m:
        return None
    name = " ".join(m.group(1).split())
    ok = name and len(name.split()) <= 6 and not any(c in name for c in ",;!?")
    return name if ok else None


_BADGES = bar_set("guest|member|author|admin|moderator|mod|editor|staff|subscriber|op")


def is_badge(line: str) -> bool:
    """True for a role label shown next to a commenter's name ("Guest", "Author")."""
    return norm(line) in _BADGES


_SENT_END = tuple(".!?…;,:")
SENTENCE_END = tuple('.!?…"”’»)]。！？」』）')
"""Characters a sentence (not a title or a label) ends with."""


_NO_WORD = re.compile(r"[\W_]+")
_WIDE = re.compile(r"[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\uff00-\uff60]")


def words(line: str) -> int:
    """How many words *line* has, counted up to 40.

    Tokens with a letter or digit count (bullets and dashes do not), each CJK
    character counts one, and a line counts at least one word per eight
    characters (for scripts written without spaces).  Callers compare the count
    with small thresholds, so a megabyte-long line costs no more than a short one.
    """
    return _words(line) if len(line) <= SHORT * 2 else 40


def cjk_chars(line: str) -> int:
    """How many CJK (wide) characters *line* has."""
    return len(_WIDE.findall(line))


@lru_cache(maxsize=16384)
def _words(line: str) -> int:
    count = sum(1 for token in line.split() if not _NO_WORD.fullmatch(token))
    return min(40, max(count + cjk_chars(line), len(line) // 8))


def is_name(line: str, *, loose: bool = False) -> bool:
    """True when *line* can be a commenter's name.

    Strict (the default): not chrome, at most 40 characters and 5 words, no sentence
    ending.  ``loose`` (used when a date line follows, which makes a header
    certain): up to :data:`SHORT` characters and any ending (pingback titles); a
    long line may then even match a chrome pattern.
    """
    return 0 < len(line) <= SHORT and _is_name(line, loose)


@lru_cache(maxsize=8192)
def _is_name(line: str, loose: bool) -> bool:
    if date_line(line)[0] or reply_to(line):
        return False
    if is_chrome(line) and not (loose and len(line) > 40 and words(line) > 3):
        return False  # a long pingback title may contain "All rights reserved"
    return loose or (len(line) <= 40 and len(line.split()) <= 5 and not line.endswith(_SENT_END))


_SUPPORT = re.compile(
    r"(?:Support|SUPPORT|Donate to|DONATE TO)\s+(?P<s>[A-Z0-9][\w&.'’-]*"
    r"(?:\s+(?:[A-Z0-9&][\w&.'’-]*|of|the|and|de|du|la)){0,3})!?"
)
_NOT_SITES = bar_set("us|our|this|independent|quality|local|free|journalism|me")
_COPYRIGHT = re.compile(
    r"(?:copyright\s*)?(?:©|\(c\)|copyright(?=\s*\d{4}))\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?,?\s*)?"
    r"(?P<s>.+?)\.?(?:\s*all rights reserved\.?)?",
    re.I,
)
_DOMAIN = re.compile(
    r"(?:https?://)?(?:www\.)?(?P<s>(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"\.)+(?P<tld>[a-z]{2,24}))/?"
)
_FILE_EXTS = bar_set(
    "exe|dll|txt|py|js|html|htm|php|pdf|jpg|jpeg|png|gif|zip|md|json|xml|csv|doc|docx|sh|sys|bat"
)


def is_support_line(line: str) -> bool:
    """True for a "Support SiteName" / "Donate to SiteName" call (always chrome)."""
    return len(line) <= 80 and _SUPPORT.fullmatch(line) is not None


def site_from_line(line: str) -> tuple[int, str] | None:
    """A site name found in one line, with its priority (lower is more certain).

    0: "Support X" / "Donate to X"; 1: "© 2024 X" / "Copyright 2024 X"; 3: a line
    that is only a domain ("example.org") or a subreddit ("r/name").  (2 is the
    title's " | X" suffix.)
    """
    if len(line) > 120:
        return None
    m = _SUPPORT.fullmatch(line)
    if m and m.group("s").split()[0].lower() not in _NOT_SITES:
        return 0, m.group("s")
    m = _COPYRIGHT.fullmatch(line)
    if m:
        site = re.sub(r"[\s,]*\d{4}$", "", m.group("s")).strip(" .,|-")
        if 0 < len(site) <= 60 and len(site.split()) <= 6 and not site[:1].isdigit():
            return 1, site
    m = _DOMAIN.fullmatch(line)
    if m and m.group("tld") not in _FILE_EXTS:
        return 3, m.group("s").lower()
    if re.fullmatch(r"r/\w{2,21}", line):  # a subreddit
        return 3, line
    return None


_BYLINE = re.compile(
    r"(?:(?:posted|written|words|story|text)\s+)?by\s*:?\s+(?P<name>[^,|•·]{2,60}?)\s*"
    r"(?:(?:,|\||•|·|\s-|–|—|\son\b)\s*(?P<rest>.*))?",
    re.I,
)
_POSTED_BY = re.compile(
    r"(?:posted|published|written)\s+(?:on\s+)?(?P<rest>.{6,40}?)\s+by\s+(?P<name>.{2,60})", re.I
)


def byline(line: str) -> tuple[str, datetime | None] | None:
    """(author, date) from "By Jane Doe", "Posted by jdoe, May 23, 2023", "Posted on DATE by X"."""
    if len(line) > 120:
        return None
    m = _POSTED_BY.fullmatch(line)
    if m and is_name(m.group("name").strip()) and date_line(m.group("rest"))[0]:
        return m.group("name").strip(), date_line(m.group("rest"))[1]
    m = _BYLINE.fullmatch(line)
    if not m or not is_name(m.group("name").strip()):
        return None
    rest = (m.group("rest") or "").strip()
    is_date, when = date_line(rest) if rest else (True, None)
    return (m.group("name").strip(), when) if is_date else None
