"""Slash commands and context menus, one module per feature."""
