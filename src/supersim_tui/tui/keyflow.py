"""Keys at machine speed are routed as if they had been typed slowly.

A barcode scanner, a paste, a password manager's auto-type or an SSH link that stalls and then delivers a
burst hands the app many keys at once. Textual's App forwards each key to the widget focused *when the app
takes the key*, so every key of a burst lands in the queue of the widget focused before the burst: the keys
after an Enter that moves focus (or opens a dialog, or after ``/`` that focuses a filter) still go to the old
widget, and may trigger its single-letter bindings.

:class:`OrderedKeysApp` fixes that once for the whole app: a key (or paste) is handed on only when the
consequences of the previous one have settled, i.e. every message pump of the current screen (and the app itself)
has processed its queue, a screen being pushed has mounted, a focus change has been applied, and the work the key
set off has ended or opened its screen: an action awaited, and any worker started since the key was handed on, by
its action or by the answer it gave a dialog (``a`` counts the SIMs to mark on the server, then asks; Enter on a
status plans the change on the SIMs' current state, then asks; a key handed on meanwhile acted on the screen
beneath, the dialog then opening on top of it; bounded by :data:`WALL_LIMIT`). Background work declared with
:func:`background` (a load, a run, an export) never holds keys, whoever started it: typing goes on while it reads. Keys
that arrive while the app is still busy wait in order in a buffer. A key always waits until the key before it has been
handled, and the messages that handling queued (the callback that moves the focus, an Input's Submitted on its way
to the screen) too: queues drain, so that wait has only a wall-clock bound (:data:`WALL_LIMIT`, for a handler
waiting on I/O): a bound of CPU time there let keys overtake on a loaded machine. The wait for the rest of a key's
consequences is bounded, counted from then, so an app that stays busy (loading an account in the background) never
holds input back for long, and a key that comes after the bound (the first key of all, one typed a while after the
last) does not wait for background work at all: by :data:`SETTLE_TIMEOUT` seconds of the event loop thread's CPU
time (work the app does), not of wall-clock time, because on a loaded machine the wall clock runs on while the app
gets no CPU at all, and a wall-clock bound then hands keys to a screen that has not finished opening; and by
:data:`WALL_LIMIT` wall-clock seconds for a handler that waits on I/O. While a widget of the current screen is
still mounting, keys wait for it (up to :data:`MOUNT_LIMIT` per key): mounting always ends, and a key handed over
earlier would go to whatever Textual focused before the screen's own ``on_mount`` moved the focus. So a key typed
right after launch, before the main screen is up, waits for the screen to mount and then goes to it; and while the
screen says the focus is on its way to a table still loading (its ``focus_pending``), keys wait for that too. A run of
typed keys is merged into one paste only after a wait that settled (after a bounded one the focus may still move,
and a paste for a field that lost the focus would be lost as a whole).

Whether a message pump is idle is not public Textual API: :func:`pump_busy` reads it from Textual's private
attributes, and ``tests/test_tui_bursts.py::test_private_textual_attributes_still_exist`` fails loudly if a
Textual release renames them.
"""

from __future__ import annotations

import asyncio
import string
import sys
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from contextlib import suppress
from time import monotonic, thread_time
from typing import Any

from textual import events
from textual.actions import ActionParseResult
from textual.app import App, ReturnType
from textual.dom import DOMNode
from textual.keys import _character_to_key, key_to_character
from textual.message import Message
from textual.message_pump import MessagePump
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input
from textual.worker import Worker

from .keyparse import use_escape_then_key_parser

SETTLE_TIMEOUT = 0.2  # seconds of the app's CPU time one key may wait for the previous key's consequences
WALL_LIMIT = 3.0  # wall-clock seconds one key may wait for a busy app (one that waits on I/O uses no CPU)
MOUNT_LIMIT = 10.0  # wall-clock seconds one key may wait for the current screen to finish mounting
MAX_RUN = 256  # printable keys handed to a text field at once
FOLLOW_UPS = 3  # rounds of messages queued by a key's handling (and by theirs) the next key waits for (no CPU bound)
QUIET_CHECKS = 2  # consecutive idle checks (one event-loop turn apart) that count as settled


_ASCII_KEYS = {_character_to_key(c): c for c in string.printable if c.isprintable()}


def typed_character(key: str) -> str | None:
    """The character a key types ('?' for question_mark, '/' for slash), None for Enter, ctrl+x, f1 …"""
    character = key_to_character(key)
    if character is not None and character.isprintable():
        return character
    return _ASCII_KEYS.get(key)


def text_fields() -> tuple[type[Widget], ...]:
    """The widgets keys type into: Input, and TextArea if it has been imported (no widget is one otherwise; this
    app has none, and importing it costs the start-up ~13 ms of modules it never uses)."""
    text_area = sys.modules.get("textual.widgets._text_area")
    return (Input, text_area.TextArea) if text_area is not None else (Input,)


def typing_into(widget: Widget | None) -> bool:
    """True when keys that type characters go into this widget as text."""
    return isinstance(widget, text_fields()) and not widget.disabled and not getattr(widget, "read_only", False)


def pastes_like_typing(widget: Widget | None) -> bool:
    """True when pasting text into the widget gives what typing it key by key would (an Input that restricts
    or limits what is typed refuses a paste as a whole, where typing drops only the refused keys)."""
    if isinstance(widget, Input):
        return typing_into(widget) and widget.type == "text" and not widget.restrict and not widget.max_length
    return typing_into(widget)


def pump_busy(pump: MessagePump, *, handling: bool = False) -> bool:
    """True while the pump has messages queued, is handling one (unless ``handling`` says the caller knows it
    is: the app, asking from inside its own handler), or has not finished mounting.

    Private Textual API (checked by a test): ``_message_queue`` is a cached property holding Textual's own
    ``Queue`` (``values``, a deque; ``ready_event``, the asyncio.Event the pump's task waits on while it has
    nothing to do); ``_next_callbacks`` holds ``call_next`` callbacks; ``_is_mounted``, ``_running``.
    """
    if pump._closing or pump._closed:
        return False
    if not pump._is_mounted:
        return True
    queue = pump.__dict__.get("_message_queue")
    if queue is None or not pump._running:
        return False
    if queue.values or pump._next_callbacks:
        return True
    waiting = bool(queue.ready_event._waiters)  # the pump's task sits in queue.get(): nothing to do
    return not (waiting or handling)


BACKGROUND_GROUPS: set[str] = set()  # worker groups declared with background(): they never hold keys


def background(group: str) -> str:
    """Declare a worker group (``@work(group=background("sims-page"))``) as background work: a load, a run, an
    export, which the user types over and which moves no focus and opens no question. Such a worker never holds
    keys back, even when a key started it (``r`` reloading the account, a status filter listing the SIMs again,
    a pattern typed into a field looking up the names in use). Any other worker started while a key is handled
    holds the next key until it ends or opens a screen (see :meth:`OrderedKeysApp._key_working`)."""
    BACKGROUND_GROUPS.add(group)
    return group


def screen_of(node: DOMNode) -> Screen[Any] | None:
    """The screen a worker's node is on (a screen is its own); None for the app (and a node no longer on one)."""
    if isinstance(node, Screen):
        return node
    if isinstance(node, Widget):
        with suppress(Exception):  # NoScreen: removed meanwhile
            return node.screen
    return None


def queued_messages(pump: MessagePump) -> list[Message]:
    """The messages waiting in ``pump``'s queue, oldest first (private Textual API, as :func:`pump_busy`)."""
    queue = pump.__dict__.get("_message_queue")
    return list(queue.values) if queue is not None else []


class OrderedKeysApp(App[ReturnType]):
    """An App that hands each key (and paste) on only after the previous one's consequences have settled."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        use_escape_then_key_parser()  # Esc and the next key arriving together stay two keys
        self._held_keys: deque[events.Event] = deque()
        self._released_keys: set[int] = set()
        self._key_feeder: asyncio.Task[None] | None = None
        self._last_key_target: Widget | None = None
        # When the last key was handed on (wall clock, the event loop thread's CPU time): its consequences are
        # waited for until the bounds counted from then have passed. None: no key yet.
        self._last_key_at: tuple[float, float] | None = None
        # What the last key handed on waits for (see _still_in_flight): the key, then what its handling queued.
        self._awaited: list[Message] = []
        self._follow_ups = 0
        # The actions still running (awaited), each with the number of the key handed on last when it started: that
        # key's handling is still working. And the workers running when the last key was handed on: a worker started
        # since (by its handling, or by what that queued: a dialog's answer) is its work (see _key_working).
        self._keys_handed_on = 0
        self._running_actions: dict[object, int] = {}
        self._workers_before: set[Worker[Any]] = set()
        self._focus_wait_since: float | None = None  # when keys began to wait for a table on its way (see below)

    def keys_pending(self) -> bool:
        """True while keys wait in the buffer or the app is still handling the last one."""
        return bool(self._held_keys) or self._key_feeder is not None or self._app_busy(handling=False)

    def drop_typeahead(self) -> int:
        """Drop the keys still waiting in the buffer (typed before the user could see where they would go) and
        say how many. For the answer to a consent dialog: keys typed with it would act on the screen beneath,
        unseen (a Space unmarking a SIM, an Enter opening one)."""
        dropped = len(self._held_keys)
        self._held_keys.clear()
        return dropped

    def take_held_key(self, wanted: Callable[[events.Key], bool]) -> events.Key | None:
        """The first key waiting in the buffer, taken out of it if ``wanted`` says so (None: no key waits, or the
        first is a paste or not wanted). The keys behind it keep their order."""
        first = self._held_keys[0] if self._held_keys else None
        if isinstance(first, events.Key) and wanted(first):
            return self._held_keys.popleft()  # type: ignore[return-value]  # the first, checked above
        return None

    def _app_busy(self, handling: bool) -> bool:
        """Whether what the last key set off may still change where the next key goes: the app (focus moves,
        screens pushed, actions), the current screen, the focused widget and the last key's target with
        their ancestors (a message bubbling up) are still working, or a widget of the screen has not finished
        mounting. A screen below the current one counts while it has a callback waiting: a dialog's result
        callback runs on the screen that opened it (the main screen), and may open the next screen; its other
        work (a background load) does not hold keys back. ``handling``: asked from inside the
        app's own handler, so the app handling a message is not itself a reason to wait. Other widgets' work
        (a table refreshing) does not hold keys back."""
        if pump_busy(self, handling=handling) or self._key_working():
            return True
        try:
            screen = self.screen
        except Exception:  # no screen yet or any more: nothing to route to
            return False
        if any(below._next_callbacks for below in self.screen_stack if below is not screen):
            return True
        return any(pump_busy(node) for node in self._route()[1:]) or self._screen_mounting()

    def _screen_mounting(self) -> bool:
        """Whether the current screen or one of its widgets has not finished mounting (or, before the app has
        mounted, its first screen is not there yet)."""
        try:
            screen = self.screen
        except Exception:
            return not self._is_mounted and not self._closing and not self._closed
        return any(
            not node._is_mounted and not node._closing and not node._closed
            for node in (screen, *screen.walk_children())
        )

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.Paste)) and not event.is_forwarded:
            if id(event) in self._released_keys:
                self._released_keys.discard(id(event))
            elif self._held_keys or self._key_feeder is not None or self._must_wait(handling=True):
                self._held_keys.append(event)
                if self._key_feeder is None:
                    self._key_feeder = asyncio.create_task(self._feed_keys(), name="ordered keys")
                return
            self._handed_on(event)
            if isinstance(event, events.Key) and event.is_printable and typing_into(self.focused):
                # A key that types goes into the text field, never to a binding (``q`` bound to quit must not
                # quit while "iraq" is typed into a filter).
                self.focused._forward_event(event)  # type: ignore[union-attr]
                self._last_key_target = self.focused
                return
            self._last_key_target = self.focused
        await super().on_event(event)

    def _handed_on(self, event: events.Event) -> None:
        self._keys_handed_on += 1
        self._workers_before = {worker for worker in self.workers if not worker.is_finished}
        self._last_key_at = (monotonic(), thread_time())
        self._awaited = [event]
        self._follow_ups = FOLLOW_UPS

    async def run_action(
        self,
        action: str | ActionParseResult,
        default_namespace: DOMNode | None = None,
        namespaces: Mapping[str, DOMNode] | None = None,
    ) -> bool:
        """Textual: run an action (a key's binding, among others). Noted while it runs: the key that set it off is
        still being handled, and the next key waits for it (see :meth:`_key_working`)."""
        token = object()
        self._running_actions[token] = self._keys_handed_on
        try:
            return await super().run_action(action, default_namespace, namespaces)
        finally:
            del self._running_actions[token]

    def _key_working(self) -> bool:
        """Whether the last key handed on is still being worked on: an action it set off is still running, or a
        worker started since it was handed on (by its action, a dialog's answer it gave, a message its handling
        queued; whatever the worker is called) is still running and has not opened a screen (its screen is still
        on top: it reads the server before it asks, or saves before its form closes). Background work
        (:func:`background`: loads, runs, exports) and workers that were running before the key do not count:
        typing goes on while the SIMs load."""
        if self._last_key_at is None:  # no key yet: the work running is the app's own
            return False
        if self._keys_handed_on in self._running_actions.values():
            return True
        try:
            top: object = self.screen
        except Exception:  # no screen (any more): nothing to route to
            return False
        return any(
            not worker.is_finished
            and worker.group not in BACKGROUND_GROUPS
            and worker not in self._workers_before
            and screen_of(worker.node) in (top, None)
            for worker in self.workers
        )

    def _route(self) -> list[MessagePump]:
        """The pumps a key and what it sets off pass through: the app, the screen, and the focused widget and the
        last key's target with their ancestors (messages bubble up)."""
        pumps: list[MessagePump] = [self]
        with suppress(Exception):  # no screen (any more): nothing to route to
            pumps.append(self.screen)
        for start in (self.focused, self._last_key_target):
            node = start
            while isinstance(node, Widget) and node not in pumps and len(pumps) < 64:
                pumps.append(node)
                node = node.parent  # type: ignore[assignment]
        return pumps

    def _still_in_flight(self) -> bool:
        """Whether the last key handed on, or what its handling queued, is still waiting to be handled.

        First the key itself, on its way (app, focused widget, ancestors, back to the app's bindings); once it
        has been handled, every message queued along its route by then (where what it asked for waits: the
        callback that moves the focus, an Input's Submitted bubbling to the screen); once those have been
        handled, what was queued by then, and so on for :data:`FOLLOW_UPS` rounds. Queues drain: no bound of
        CPU time applies to this wait (on a loaded machine it passed while ``/`` was queued, and the keys after
        it went to the table instead of the filter ``/`` focuses); the bound is counted from when it ends."""
        while self._awaited:
            queues = [queued_messages(pump) for pump in self._route()]
            queued = {id(message) for queue in queues for message in queue}
            if any(id(message) in queued for message in self._awaited):
                return True
            wall = self._last_key_at[0] if self._last_key_at else monotonic()
            self._last_key_at = (wall, thread_time())
            self._follow_ups -= 1
            self._awaited = [queue[-1] for queue in queues if queue] if self._follow_ups >= 0 else []
        return False

    def _bound_passed(self) -> bool:
        """Whether the last key handed on has had its time to settle (SETTLE_TIMEOUT of the event loop's CPU
        time or WALL_LIMIT of wall-clock time since it was handled), or there was none: a busy app is then busy
        with work of its own (loading in the background), which is no reason to hold the next key. CPU time
        of this thread, the one the app's work runs on: not of the process, whose other threads do not move
        keys."""
        if self._last_key_at is None:
            return True
        wall, cpu = self._last_key_at
        if self._still_in_flight():
            return monotonic() - wall >= WALL_LIMIT
        if self._key_working():  # the key's action reads or waits: no CPU bound, the next one counts from its end
            self._last_key_at = (wall, thread_time())
            return monotonic() - wall >= WALL_LIMIT
        return monotonic() - wall >= WALL_LIMIT or thread_time() - cpu >= SETTLE_TIMEOUT

    def _must_wait(self, handling: bool) -> bool:
        """A key must wait while the screen mounts, while the focus is on its way to a table still loading, and
        while the app is busy within the last key's bound."""
        return (
            self._screen_mounting()
            or self._focus_pending()
            or (not self._bound_passed() and self._app_busy(handling=handling))
        )

    def _focus_pending(self) -> bool:
        """Whether the current screen says the focus is on its way (its ``focus_pending``: the table shown is still
        loading and takes the focus once it has rows, nothing else has it): a key handed on now would reach no
        table (``2e`` typed at launch: the NAPs table was still loading, and ``e`` was lost). A table's rows are
        part of the screen being built, so this is bounded as mounting is: once MOUNT_LIMIT has passed since keys
        began to wait for it (an API that does not answer), they go on."""
        try:
            pending = bool(getattr(self.screen, "focus_pending", False))
        except Exception:  # no screen (any more)
            pending = False
        if not pending:
            self._focus_wait_since = None
            return False
        if self._focus_wait_since is None:
            self._focus_wait_since = monotonic()
        return monotonic() - self._focus_wait_since < MOUNT_LIMIT

    async def _settled(self) -> bool:
        """Wait until the app is idle for a few event-loop turns (True), or the last key's bound has passed
        (False: see :meth:`_bound_passed`), but while the screen is mounting until it has mounted (at most
        MOUNT_LIMIT of wall-clock time, then False)."""
        started = monotonic()
        quiet = turns = 0
        while quiet < QUIET_CHECKS:
            if self._screen_mounting() or self._focus_pending():  # (each bounded by MOUNT_LIMIT)
                quiet = 0
                if monotonic() - started >= MOUNT_LIMIT:
                    return False
            elif self._app_busy(handling=False):
                quiet = 0
                if self._bound_passed():
                    return False
            else:
                quiet += 1
            turns += 1
            await asyncio.sleep(0 if turns < 200 else 0.002)
        return True

    async def _feed_keys(self) -> None:
        try:
            while True:
                settled = await self._settled()
                if not self._held_keys:
                    break  # nothing awaited between this check and the end: no key is left behind
                event = self._next_held(merge=settled)
                self._released_keys.add(id(event))
                self._handed_on(event)
                if not self.post_message(event):  # the app is closing
                    self._released_keys.discard(id(event))
                    self._held_keys.clear()
        finally:
            self._key_feeder = None

    def _next_held(self, merge: bool = True) -> events.Event:
        """The next held key; if ``merge``, a run of printable keys for a focused text field becomes one paste
        (the field inserts the same text, and the screen is laid out once instead of once per key)."""
        event = self._held_keys.popleft()
        if not (merge and isinstance(event, events.Key) and event.is_printable and pastes_like_typing(self.focused)):
            return event
        text = [event.character or ""]
        while self._held_keys and len(text) < MAX_RUN:
            following = self._held_keys[0]
            if not (isinstance(following, events.Key) and following.is_printable):
                break
            text.append(following.character or "")
            self._held_keys.popleft()
        if len(text) == 1:
            return event
        paste = events.Paste("".join(text))
        paste.set_sender(self)
        return paste

    async def _press_keys(self, keys: Iterable[str]) -> None:
        """Tests only (Textual's ``Pilot.press``): return once every key pressed has been handed on by the gate
        and its effects have settled. Pilot waits for an idle process at most one second of wall-clock time, so
        on a loaded machine it could return while keys still wait here, and a test would look too early."""
        await super()._press_keys(keys)
        while self._key_feeder is not None:  # held keys have a feeder; it ends, each key's wait being bounded
            await asyncio.wait({self._key_feeder})
        await self._settled()

    async def _on_unmount(self) -> None:
        if self._key_feeder is not None:
            self._key_feeder.cancel()
