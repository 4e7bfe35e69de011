"""Networking Coach: a Discord bot that coaches medical students at professional networking."""

__version__ = "0.1.0"
