"""Command palette: every key binding that applies on the current screen, searchable by its description."""

from __future__ import annotations

from functools import partial

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.dom import DOMNode


def binding_ids() -> set[str]:
    """Every binding id a ``[keymap]`` can name: those of the app and of every screen and widget class loaded."""
    ids: set[str] = set()
    classes: list[type] = [DOMNode]
    while classes:
        cls = classes.pop()
        classes.extend(cls.__subclasses__())
        for binding in cls.__dict__.get("BINDINGS", []):
            if isinstance(binding, Binding) and binding.id:
                ids.add(binding.id)
    return ids


class ListedCommands(Provider):
    """A provider whose commands are a list of (title, help, callback), matched on the title."""

    def _commands(self) -> list[tuple[str, str, object]]:
        raise NotImplementedError

    async def discover(self) -> Hits:
        for title, help_text, callback in self._commands():
            yield DiscoveryHit(title, callback, help=help_text)  # type: ignore[arg-type]

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)  # type: ignore[arg-type]


class BindingCommands(ListedCommands):
    """Every key binding that applies on the current screen."""

    def _commands(self) -> list[tuple[str, str, object]]:
        seen: set[str] = set()
        commands: list[tuple[str, str, object]] = []
        for key, active in self.screen.active_bindings.items():
            binding = active.binding
            if not active.enabled or not binding.description or binding.description in seen:
                continue
            if binding.action in ("command_palette", "quit"):
                continue
            seen.add(binding.description)
            commands.append((binding.description, f"key: {binding.key_display or key}",
                             partial(self.app.run_action, binding.action, active.node)))
        return commands
