"""Average the weights of several checkpoints of one run: `python scripts/average_checkpoints.py OUT.pt A.pt B.pt ...`
(then `chart-hero calibrate OUT.pt VALDATA --out FINAL.pt`)."""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.training.averaging import average_checkpoints  # noqa: E402

if __name__ == "__main__":
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    sha = average_checkpoints(sys.argv[2:], sys.argv[1])
    print(f"wrote {sys.argv[1]} (mean of {len(sys.argv) - 2} checkpoints, sha256 {sha})")
