"""Making text from a server (or a file) safe to show on a terminal.

A name or an error message from a hostile or broken server can carry terminal
escape sequences (clear the screen, set the window title, rewrite the
clipboard, hide text) or bidirectional overrides that make text read
differently than it is. :func:`printable` removes escape sequences and
replaces every other control character with U+FFFD, so what reaches the
terminal is exactly what is shown. The CLI and the TUI both use it.
"""

from __future__ import annotations

import re

REPLACEMENT = "\N{REPLACEMENT CHARACTER}"

# ESC-introduced sequences (CSI, OSC/DCS/APC/PM/SOS strings up to BEL or ST, two-character escapes),
# and the 8-bit CSI/OSC/DCS forms.
_ESCAPE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI ... final
    r"|\x1b[\]PX^_][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"  # OSC/DCS/SOS/PM/APC ... BEL or ST
    r"|\x1b[ -/]*[0-~]"  # other escapes (ESC 7, ESC ( B, ...)
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
    r"|[\x90\x98\x9d\x9e\x9f][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"  # 8-bit string controls
)
# C0 controls (newline and tab handled apart), DEL, C1 controls, bidi embeddings/overrides/isolates,
# and the line/paragraph separators some terminals honour.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def printable(text: object, *, multiline: bool = False) -> str:
    """``text`` as a string that cannot steer a terminal.

    Escape sequences are removed; other control characters (and, unless ``multiline``,
    newlines) become U+FFFD; tabs become spaces. Plain text comes back unchanged.
    """
    value = text if isinstance(text, str) else str(text)
    if not _UNSAFE.search(value):
        return value
    value = _ESCAPE.sub("", value).replace("\t", " ")
    if not multiline:
        value = value.replace("\r\n", "\n").replace("\n", " ")
    return _CONTROL.sub(REPLACEMENT, value)


def is_printable(text: str) -> bool:
    """True when :func:`printable` would leave ``text`` as it is (multi-line allowed)."""
    return not _CONTROL.search(text)
