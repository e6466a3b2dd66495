"""What every service shares."""


class ServiceError(Exception):
    """A request that cannot be carried out as asked; ``str()`` is a message for the user."""
