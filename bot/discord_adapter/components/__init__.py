"""Buttons, menus and forms, one module per feature, and the router their clicks go through.

`custom_ids` holds the grammar every component id follows; `routing` matches an arriving id to
the handler object that owns it; each feature module (contacts, drafts, due, events, ...) builds
its components and holds a handler class that gets its services through its constructor.
"""
