"""The one base class for errors a user can cause or fix (bad input, missing key, offline, disk full).

Its message is written for the user: what went wrong and what to do. The UI's error boundary shows it
as it is; any other exception is a bug, logged with its traceback and shown as a short generic message.
"""


class UserError(Exception):
    """An error whose message is meant for the user."""


class DiskFullError(UserError):
    """The disk (or the user's quota) is full: nothing was half-written; delete something and retry."""

    def __init__(self, doing: str = "saving") -> None:
        super().__init__(
            f"The disk is full, so {doing} stopped and nothing half-written was kept. "
            "Delete videos or datasets you no longer need (Delete works on a full disk), then try again."
        )
