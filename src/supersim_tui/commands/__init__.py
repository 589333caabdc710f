"""Headless commands: quick checks and scripted bulk work from a shell (``--json`` for tools)."""
