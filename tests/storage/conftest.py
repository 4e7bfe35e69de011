"""The storage backend fixture shared by the repository contract modules (see stores.py)."""

from tests.storage.stores import store

__all__ = ["store"]
