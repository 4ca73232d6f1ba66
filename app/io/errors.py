"""The one exception type file readers raise: it names the file and what is wrong with it."""
from __future__ import annotations

from pathlib import Path


class ChartFileError(Exception):
    """A file that cannot be read or written as asked; str() is one line: `path: problem`."""

    def __init__(self, path: str | Path | None, problem: str) -> None:
        self.path = Path(path) if path is not None else None
        self.problem = " ".join(str(problem).split())  # always one line
        super().__init__(f"{self.path}: {self.problem}" if self.path is not None else self.problem)


class CheckpointError(ChartFileError):
    """A model file that is damaged, foreign or does not match its declared architecture."""
