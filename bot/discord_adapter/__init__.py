"""The thin Discord adapter: parse an interaction, call one service, present the result."""
