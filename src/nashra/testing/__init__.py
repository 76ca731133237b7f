"""Faithful local servers for tests and for trying Nashra without real accounts.

``FakeTelegram`` speaks the Bot API and ``FakeWordPress`` the WordPress REST API on 127.0.0.1
with their real limits and error replies; both record every message they *accept* and can inject
random 429s, 5xx, timeouts and connection resets, before or after accepting.
"""

from nashra.testing.faults import Faults
from nashra.testing.telegram import Accepted, FakeTelegram

__all__ = ["Accepted", "FakeTelegram", "Faults"]
