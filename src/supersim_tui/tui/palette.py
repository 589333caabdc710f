"""Command palette: every key binding that applies on the current screen, searchable by its description."""

from __future__ import annotations

from functools import partial

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.dom import DOMNode


def _bindings_by_class() -> list[tuple[type, Binding]]:
    """Every binding with an id, with the class that declares it (app, screens, widgets loaded)."""
    found: list[tuple[type, Binding]] = []
    classes: list[type] = [DOMNode]
    while classes:
        cls = classes.pop()
        classes.extend(cls.__subclasses__())
        found.extend((cls, b) for b in cls.__dict__.get("BINDINGS", []) if isinstance(b, Binding) and b.id)
    return found


def keymap_collisions(keymap: dict[str, str], wide: tuple[type, ...]) -> list[str]:
    """Keymap entries whose key another binding already uses where both apply. The bindings of the ``wide``
    classes (the app's, which apply everywhere, and the main screen's, which apply over every pane) share
    their keys with any pane's or screen's, which they shadow or are shadowed by; two bindings of the same
    class clash outright. Each problem names both bindings."""
    bindings = _bindings_by_class()

    def keys_of(binding: Binding) -> set[str]:
        raw = keymap.get(binding.id or "", binding.key)
        return {k.strip() for k in raw.split(",") if k.strip()}

    problems: list[str] = []
    for cls, binding in bindings:
        if binding.id not in keymap:
            continue
        for key in sorted(keys_of(binding)):
            for other_cls, other in bindings:
                if other.id == binding.id or key not in keys_of(other):
                    continue
                together = cls is other_cls or any(issubclass(w, (cls, other_cls)) for w in wide)
                if together:
                    problems.append(
                        f"settings: [keymap] {binding.id!r} = {key!r} collides with {other.id!r} "
                        f"({other.description or other.action}), which also uses {key!r}: where both "
                        "apply only one of them runs; choose another key"
                    )
    return sorted(set(problems))


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
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if not active.enabled or not binding.description or binding.description in seen:
                continue
            if binding.action in ("command_palette", "quit"):
                continue
            seen.add(binding.description)
            commands.append(
                (
                    binding.description,
                    f"key: {self.app.get_key_display(binding)}",
                    partial(self.app.run_action, binding.action, active.node),
                )
            )
        return commands
