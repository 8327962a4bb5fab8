"""Widgets: the article list, the reader, the comment tree, the header."""
