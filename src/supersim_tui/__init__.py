"""supersim-tui: a terminal app for Twilio Super SIM."""

__version__ = "0.1.0"
