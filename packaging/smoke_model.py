"""A tiny random-weight drum model for the smoke test when the build ships no models/drums.pt.

Its BatchNorm statistics are set as after training and its thresholds are low, so with
`--preset aggressive` it fires often enough that the song folder has notes to validate. It checks
the frozen program's plumbing, not transcription quality.
    python packaging/smoke_model.py OUT.pt
"""
import sys

import torch

from app.constants import DRUM_CLASSES
from app.transcription.checkpoint import Calibration, save_checkpoint
from app.transcription.features import FeatureParams
from app.transcription.model import HierarchicalDrumNet

if __name__ == "__main__":
    torch.manual_seed(0)
    fp = FeatureParams()
    model = HierarchicalDrumNet(in_channels=fp.n_channels, n_bands=fp.n_bands, conv_channels=(4, 8), proj_dim=16,
                                gru_hidden=8, gru_layers=2, branch_hidden=8, dropout=0.0).eval()
    with torch.no_grad():  # as tests/conftest.py: non-trivial normalisation keeps the units alive
        model.input_norm.running_mean.uniform_(0.5, 1.5)
        model.input_norm.running_var.uniform_(0.3, 1.0)
        for m in model.convs.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.running_mean.uniform_(-0.2, 0.2)
                m.running_var.uniform_(0.2, 0.6)
    calibration = Calibration(thresholds={c: 0.3 for c in DRUM_CLASSES}, timing_offsets_ms={})
    save_checkpoint(sys.argv[1], model, fp, calibration, {"steps": 0, "note": "smoke test: random weights"})
    print(f"wrote {sys.argv[1]}")
