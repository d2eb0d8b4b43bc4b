"""``fieldapp sync``: owned by the sync client work (see docs/architecture.md)."""

import click

COMMANDS: list[click.Command] = []
