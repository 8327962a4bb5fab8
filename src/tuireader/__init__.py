"""tuireader: a terminal reader with offline storage, comment threads and personal notes."""

__version__ = "0.1.0"
