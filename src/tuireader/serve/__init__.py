"""Serving the reader to others: ``tuireader serve ssh`` and ``tuireader serve web``.

No module here imports Textual: each session runs the app as a child process
(:mod:`tuireader.serve.pty_proc`), told it is remote by ``TUIREADER_REMOTE``
(see :mod:`tuireader.remote`).
"""
