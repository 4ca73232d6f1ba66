"""A thin QThread adapter around a plain function that takes on_progress and should_cancel."""
from __future__ import annotations

import threading
import traceback
from typing import Any, Callable

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot


class FunctionWorker(QObject):
    """Runs `fn(*args, on_progress=..., should_cancel=..., **kwargs)` on its own QThread.

    Signals (delivered on the GUI thread): progress(fraction, message), finished(result),
    failed(message, traceback text), cancelled(). Exactly one of finished/failed/cancelled
    is emitted, then done(). Errors are forwarded, never swallowed.
    """

    progress = Signal(float, str)
    finished = Signal(object)
    failed = Signal(str, str)
    cancelled = Signal()
    done = Signal()

    def __init__(self, fn: Callable[..., Any], *args, **kwargs) -> None:
        super().__init__()
        self.fn, self.args, self.kwargs = fn, args, kwargs
        self._cancel = threading.Event()
        self.thread: QThread | None = None

    def cancel(self) -> None:
        """Ask the function to stop at its next chunk boundary (thread-safe)."""
        self._cancel.set()

    def wait(self, timeout_ms: int = 10000) -> None:
        """Block until this worker's thread ends (tests, clean exit); harmless if it already has."""
        thread = getattr(self, "thread", None)
        if thread is not None:
            try:
                thread.wait(timeout_ms)
            except RuntimeError:  # the QThread was already deleted
                pass

    @property
    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    @Slot()
    def run(self) -> None:
        try:
            result = self.fn(*self.args, on_progress=self._report, should_cancel=self._cancel.is_set, **self.kwargs)
        except Exception as exc:  # forwarded to the GUI thread as a signal
            if self._cancel.is_set() or type(exc).__name__ == "Cancelled":
                self.cancelled.emit()
            else:
                self.failed.emit(f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__,
                                 traceback.format_exc())
        else:
            if self._cancel.is_set():
                self.cancelled.emit()
            else:
                self.finished.emit(result)
        self.done.emit()

    def _report(self, fraction: float, message: str = "") -> None:
        self.progress.emit(float(fraction), str(message))


class _Reaper(QObject):
    """Lives on the GUI thread: drops a worker and its thread once the thread has ended."""

    def __init__(self) -> None:
        super().__init__()
        self.running: set[FunctionWorker] = set()

    @Slot()
    def reap(self) -> None:
        for worker in [w for w in self.running if w.thread is not None and w.thread.isFinished()]:
            self.running.discard(worker)
            worker.thread.deleteLater()
            worker.deleteLater()


_reaper: _Reaper | None = None


def _get_reaper() -> _Reaper:
    global _reaper
    if _reaper is None:
        _reaper = _Reaper()
    return _reaper


def start_worker(worker: FunctionWorker) -> FunctionWorker:
    """moveToThread + start; done -> quit, thread finished -> deleteLater (on the GUI thread)."""
    reaper = _get_reaper()
    thread = QThread()
    worker.thread = thread
    worker.moveToThread(thread)
    thread.started.connect(worker.run)
    worker.done.connect(thread.quit, Qt.ConnectionType.DirectConnection)  # quit() is thread-safe
    thread.finished.connect(reaper.reap, Qt.ConnectionType.QueuedConnection)
    reaper.running.add(worker)
    thread.start()
    return worker


def wait_all(timeout_ms: int = 5000) -> bool:
    """Block until every worker's thread has ended (shutdown, tests). False on timeout."""
    ok = True
    for worker in list(_get_reaper().running):
        try:
            if worker.thread is not None:
                ok = worker.thread.wait(timeout_ms) and ok
        except RuntimeError:
            pass  # its thread object is already gone
    _get_reaper().reap()
    return ok


def run_in_thread(fn: Callable[..., Any], *args, **kwargs) -> FunctionWorker:
    """Make and start a worker for `fn`; connect to its signals right away (they queue until then)."""
    return start_worker(FunctionWorker(fn, *args, **kwargs))


class _Relay(QObject):
    """Created on the GUI thread: forwards a worker's signals to plain callables there, if still current."""

    def __init__(self, current: Callable[[], bool], on_result, on_error, on_progress) -> None:
        super().__init__()
        self.current, self.on_result, self.on_error, self.on_progress = current, on_result, on_error, on_progress

    @Slot(object)
    def finished(self, result) -> None:
        if self.current():
            self.on_result(result)

    @Slot(str, str)
    def failed(self, message: str, _tb: str) -> None:
        if self.on_error is not None and self.current():
            self.on_error(message)

    @Slot(float, str)
    def progress(self, fraction: float, message: str) -> None:
        if self.on_progress is not None and self.current():
            self.on_progress(fraction, message)


class LatestOnly(QObject):
    """Views ask and drop stale answers: a new request cancels the previous one, and only the
    newest request's result reaches `on_result` (on the GUI thread)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._generation = 0
        self._current: FunctionWorker | None = None

    def submit(self, fn: Callable[..., Any], on_result: Callable[[Any], None],
               on_error: Callable[[str], None] | None = None,
               on_progress: Callable[[float, str], None] | None = None, *args, **kwargs) -> FunctionWorker:
        if self._current is not None:
            self._current.cancel()
        self._generation += 1
        gen = self._generation
        worker = FunctionWorker(fn, *args, **kwargs)
        # PySide calls a lambda connected to a worker signal on the worker's thread; a relay QObject
        # living on this (GUI) thread turns the signals into queued calls here.
        relay = _Relay(lambda: gen == self._generation, on_result, on_error, on_progress)
        worker._relay = relay  # lives as long as the worker
        worker.finished.connect(relay.finished)
        worker.failed.connect(relay.failed)
        worker.progress.connect(relay.progress)
        self._current = worker
        return start_worker(worker)

    def cancel(self) -> None:
        if self._current is not None:
            self._current.cancel()
        self._generation += 1

    def wait(self, timeout_ms: int = 5000) -> None:
        """Block until the current job's thread ended (tests, shutdown)."""
        w = self._current
        if w is not None and w.thread is not None:
            try:
                w.thread.wait(timeout_ms)
            except RuntimeError:
                pass  # already deleted
