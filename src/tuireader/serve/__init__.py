"""Serving the reader to others: ``tuireader serve ssh`` and ``tuireader serve web``.

No module here imports Textual: each session runs the app as a child process
(:mod:`tuireader.serve.pty_proc`), told it is remote by ``TUIREADER_REMOTE``
(see :mod:`tuireader.remote`).
"""

import warnings

# asyncssh still loads DSA support, and cryptography >= 47 warns about DSA on import: a line
# of noise on the server's terminal (and in its log) that says nothing about this server,
# which never offers DSA keys.
warnings.filterwarnings("ignore", message=r"DSA is deprecated", module=r"asyncssh\.")
