"""The QThread adapter: results, forwarded errors, cancellation, and dropping stale answers."""
from __future__ import annotations

import time

from app.workers.qt_worker import FunctionWorker, LatestOnly, run_in_thread, start_worker, wait_all


def _job(x, on_progress=None, should_cancel=None, delay=0.0):
    for k in range(5):
        if should_cancel():
            from app.domain.progress import Cancelled
            raise Cancelled()
        on_progress((k + 1) / 5, "step")
        time.sleep(delay)
    if x < 0:
        raise ValueError("negative")
    return x * 2


def test_result_and_progress(qtbot):
    worker = FunctionWorker(_job, 21)
    progress = []
    worker.progress.connect(lambda f, m: progress.append(f))
    with qtbot.waitSignal(worker.finished, timeout=5000) as blocker:
        assert start_worker(worker) is worker
    assert blocker.args == [42]
    qtbot.waitUntil(lambda: progress and progress[-1] == 1.0)
    assert wait_all()


def test_errors_are_forwarded(qtbot):
    worker = FunctionWorker(_job, -1)
    with qtbot.waitSignal(worker.failed, timeout=5000) as blocker:
        start_worker(worker)
    assert "ValueError: negative" == blocker.args[0]
    assert wait_all()


def test_cancel(qtbot):
    worker = run_in_thread(_job, 1, delay=0.05)
    with qtbot.waitSignal(worker.cancelled, timeout=5000):
        worker.cancel()
    assert wait_all()


def test_latest_only_drops_stale_answers(qtbot):
    runner = LatestOnly()
    results = []
    runner.submit(_job, results.append, None, None, 1, delay=0.05)
    runner.submit(_job, results.append, None, None, 2)
    qtbot.waitUntil(lambda: results == [4], timeout=5000)
    qtbot.wait(400)
    assert results == [4]
    assert wait_all()


def test_latest_only_answers_on_the_gui_thread(qtbot):
    import threading
    runner = LatestOnly()
    threads = []
    runner.submit(_job, lambda r: threads.append(threading.current_thread()), None,
                  lambda f, m: threads.append(threading.current_thread()), 3)
    qtbot.waitUntil(lambda: len(threads) == 6, timeout=5000)
    assert set(threads) == {threading.main_thread()}
    assert wait_all()
