"""The fetch guard: every connection made for a user's URL is resolved, checked and pinned here."""

from core.net.guard import BadAddress, BlockedAddress, FetchGuard, FetchRefused, guard_for
from core.net.policy import is_public_address

__all__ = ["BadAddress", "BlockedAddress", "FetchGuard", "FetchRefused", "guard_for", "is_public_address"]
