"""Exports: the full-library JSON backup and Markdown files.  No ``textual`` here."""
