"""Screens: the main screen, help, prompts and the error screen."""
