"""Benchmark: tick <-> seconds for 100,000 queries on a tempo map with 500 tempo changes."""
from __future__ import annotations

import time

import numpy as np

from app.domain.tempo_map import TempoChange, TempoMap, TimeSignature

N_TEMPOS, N_QUERIES, TARGET_S = 500, 100_000, 1.0


def main() -> None:
    rng = np.random.default_rng(1)
    ticks = np.concatenate([[0], np.cumsum(rng.integers(240, 3840, N_TEMPOS - 1))])
    t0 = time.perf_counter()
    tm = TempoMap([TempoChange(int(t), float(b)) for t, b in zip(ticks, rng.uniform(40, 300, N_TEMPOS))],
                  [TimeSignature(0, 4, 4)])
    build_s = time.perf_counter() - t0
    q_ticks = rng.uniform(0, ticks[-1] * 1.05, N_QUERIES)
    q_secs = tm.ticks_to_s(q_ticks)

    t0 = time.perf_counter()
    for t in q_ticks.tolist():
        tm.tick_to_s(t)
    scalar_t2s = time.perf_counter() - t0
    t0 = time.perf_counter()
    for s in q_secs.tolist():
        tm.s_to_tick(s)
    scalar_s2t = time.perf_counter() - t0
    t0 = time.perf_counter()
    back = tm.s_to_ticks(tm.ticks_to_s(q_ticks))
    vector_both = time.perf_counter() - t0
    err = float(np.max(np.abs(back - q_ticks)))

    print(f"tempo map: {N_TEMPOS} tempo changes built in {build_s * 1e3:.2f} ms")
    print(f"scalar tick->s  x{N_QUERIES}: {scalar_t2s:.3f} s  ({scalar_t2s / TARGET_S:.2f} of the 1 s budget)")
    print(f"scalar s->tick  x{N_QUERIES}: {scalar_s2t:.3f} s  ({scalar_s2t / TARGET_S:.2f} of the 1 s budget)")
    print(f"vector both ways x{N_QUERIES}: {vector_both * 1e3:.1f} ms; max round-trip error {err:.2e} ticks")


if __name__ == "__main__":
    main()
