"""Discord-free access to the project's text assets (`prompts/`, `templates/`)."""
