"""Errors raised by the estimator core.

Every error a caller can cause carries the path of the offending field (``runs[0].hours``) so
that the web form can attach the message to the right input, the API can return it as a
field error, and the command line can print it on one line.
"""

from __future__ import annotations


class EstimatorInputError(ValueError):
    """Bad input: a value that is missing, malformed, out of range or unknown to the catalog.

    ``field`` is a path into the input (``runs[2].location.cloud_region``) or ``""`` when the
    problem is with the document as a whole.
    """

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


class InsufficientDataError(EstimatorInputError):
    """The input is well formed but does not give enough to compute a footprint.

    Kept apart from other input errors because verification turns it into the
    ``insufficient_data`` verdict instead of refusing the request.
    """
