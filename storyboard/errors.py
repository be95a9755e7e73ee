"""The one exception type that reaches users as a single line and exit status 2."""


class UserError(Exception):
    """Bad input or set-up that the user can fix; the message names the file/field and the fix."""
