"""What every service shares."""


class ServiceError(Exception):
    """A request that cannot be carried out as asked; ``str()`` is a message for the user."""


class BookingConflict(ServiceError):
    """A booking that breaks a hard scheduling rule; ``report`` (a ``conflicts.ConflictReport``) says which."""

    def __init__(self, report):
        self.report = report
        super().__init__(" ".join(finding.message for finding in report.errors))
