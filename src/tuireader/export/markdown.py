"""Articles as Markdown files with front matter (readable in Obsidian and Logseq)."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

from tuireader.export.backup import iso
from tuireader.store.views import ArticleView

__all__ = ["safe_filename", "article_markdown", "write_unique"]

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')
_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{i}" for i in range(1, 10)),
    *(f"LPT{i}" for i in range(1, 10)),
}


def safe_filename(title: str, *, suffix: str = ".md", max_len: int = 120) -> str:
    """A file name made from *title*: no separators, no traversal, no reserved names."""
    name = unicodedata.normalize("NFC", title)
    name = _UNSAFE.sub(" ", name)
    name = " ".join(name.split()).strip(". ")
    if not name or name.upper().split(".")[0] in _RESERVED:
        name = f"_{name}" if name else "untitled"
    encoded = name.encode("utf-8")[:max_len]
    name = encoded.decode("utf-8", errors="ignore").rstrip(". ")
    return name + suffix


def write_unique(directory: Path, name: str, content: str, *, force: bool = False) -> Path:
    """Write *content* to ``directory/name``; never overwrite unless *force*.

    Without *force*, an existing file gets a numbered sibling (``name (2).md``).
    """
    target = directory / name
    if target.resolve().parent != directory.resolve():
        raise ValueError(f"unsafe file name {name!r}")
    if not force:
        stem, suffix = target.stem, target.suffix
        n = 2
        while target.exists():
            target = directory / f"{stem} ({n}){suffix}"
            n += 1
    target.write_text(content, encoding="utf-8")
    return target


def _yaml_str(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def article_markdown(view: ArticleView) -> str:
    """An article as Markdown: front matter, the body, the notes and the comments."""
    front = ["---", f"title: {_yaml_str(view.title)}"]
    if view.url:
        front.append(f"url: {_yaml_str(view.url)}")
    if view.site:
        front.append(f"site: {_yaml_str(view.site)}")
    if view.author:
        front.append(f"author: {_yaml_str(view.author)}")
    if view.published:
        front.append(f"date: {iso(view.published)}")
    front.append("tags: [" + ", ".join(_yaml_str(t) for t in view.tags) + "]")
    front.append("---")
    out = ["\n".join(front), "", f"# {view.title}", "", view.body_markdown.strip(), ""]
    if view.notes:
        out += ["## Notes", ""]
        for note in view.notes:
            if note.quote:
                out += ["> " + line for line in note.quote.splitlines()] + [""]
            if note.comment_author:
                out.append(f"*On the comment by {note.comment_author}:*")
            out += [note.text.strip(), ""]
    if view.comments:
        out += ["## Comments", ""]
        for c in view.comments:
            indent = "  " * min(c.depth, 10)
            when = f" ({iso(c.posted)})" if c.posted else ""
            first, *rest = c.text.splitlines() or [""]
            out.append(f"{indent}- **{c.author}**{when}: {first}")
            out += [f"{indent}  {line}" for line in rest]
        out.append("")
    return "\n".join(out)
