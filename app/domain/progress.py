"""Progress reporting and cooperative cancellation for long, chunked jobs."""
from __future__ import annotations

from typing import Callable


class Cancelled(Exception):
    """Raised between chunks of a long job when its `should_cancel` returned True."""


ProgressFn = Callable[[float, str], None]
"""on_progress(fraction 0..1, message)."""

CancelFn = Callable[[], bool]
"""should_cancel() -> True to stop the job at the next chunk boundary."""


def check_cancel(should_cancel: CancelFn | None) -> None:
    """Raise Cancelled if `should_cancel` is given and returns True."""
    if should_cancel is not None and should_cancel():
        raise Cancelled()
