"""The one base class for errors a user can cause or fix (bad input, missing key, offline, disk full).

Its message is written for the user: what went wrong and what to do. The UI's error boundary shows it
as it is; any other exception is a bug, logged with its traceback and shown as a short generic message.
"""


class UserError(Exception):
    """An error whose message is meant for the user."""
