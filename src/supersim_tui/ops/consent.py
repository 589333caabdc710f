"""How much consent a change needs: the one rule the TUI and the headless commands share.

Confirmation grows with the harm a change can do. A change that can cut service (deactivating
SIMs; a NAP change that leaves a fleet without any network, or without a country its SIMs used;
moving SIMs to a fleet whose NAP loses coverage) and touches more than :data:`HANDFUL` SIMs asks
the user to *type* something specific: the number of SIMs, or the NAP's or fleet's name (as
GitHub asks for a repository's name before deleting it). Other changes ask a yes/no question;
a change with nothing to send asks nothing.

A profile's safety mode shifts the rule: ``read-only`` refuses every change, ``protected`` asks
for the typed confirmation on every change, ``open`` follows the rule above.

No Textual, no Rich: pure decisions, tested on their own.
"""

from __future__ import annotations

from dataclasses import dataclass

HANDFUL = 10  # a change that can cut service to more SIMs than this needs the typed confirmation

NONE = "none"  # nothing to send: nothing to ask
CONFIRM = "confirm"  # a yes/no question (destructive ones open with Cancel focused)
TYPED = "typed"  # the user types the phrase (number of SIMs, fleet or NAP name)
REFUSED = "refused"  # read-only: nothing may be sent

READ_ONLY = "read-only"
PROTECTED = "protected"
OPEN = "open"
MODES = (READ_ONLY, PROTECTED, OPEN)
MODE_MARKERS = {READ_ONLY: "◉ READ-ONLY", PROTECTED: "▲ PROTECTED", OPEN: "○ open"}


@dataclass(frozen=True)
class Consent:
    level: str  # NONE | CONFIRM | TYPED | REFUSED
    phrase: str = ""  # what to type, when level is TYPED
    reason: str = ""  # why this much consent, in words for the person
    cuts_service: bool = False  # the change can cut service: destructive dialogs focus Cancel

    @property
    def sentence(self) -> str:
        """The reason as a sentence (first letter upper case, the rest as written)."""
        return self.reason[:1].upper() + self.reason[1:] + ("." if self.reason else "")

    @property
    def typed(self) -> bool:
        return self.level == TYPED

    def matches(self, answer: str) -> bool:
        """The typed answer confirms: the phrase itself (case and surrounding spaces and commas ignored)."""

        def norm(text: str) -> str:
            return text.strip().replace(",", "").replace("_", "").casefold()

        return bool(self.phrase) and norm(answer) == norm(self.phrase)


def consent_for(
    *, sims: int, cuts_service: bool, mode: str = OPEN, phrase: str | None = None, what: str = ""
) -> Consent:
    """How much consent a change to ``sims`` SIMs needs. ``phrase`` is what to type (default: the number of
    SIMs); ``what`` names the change for the reason ("deactivate 14,954 SIMs")."""
    what = what or f"change {sims:,} SIM{'s' if sims != 1 else ''}"
    if mode == READ_ONLY:
        return Consent(REFUSED, reason="this profile is read-only: nothing is sent", cuts_service=cuts_service)
    if sims <= 0 and not cuts_service:
        return Consent(NONE)
    text = phrase if phrase is not None else str(sims)
    if mode == PROTECTED:
        return Consent(
            TYPED, text, f"this profile is protected: every change is typed to confirm ({what})", cuts_service
        )
    if cuts_service and sims > HANDFUL:
        return Consent(TYPED, text, f"this can cut service to {sims:,} SIMs ({what})", True)

    return Consent(CONFIRM, reason=f"this can cut service ({what})" if cuts_service else "", cuts_service=cuts_service)


def change_cuts_service(status: str | None, *, coverage_lost: bool = False) -> bool:
    """A bulk SIM change can cut service when it deactivates, or moves SIMs to a NAP that loses coverage."""
    return status == "inactive" or coverage_lost
