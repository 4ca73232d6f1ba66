"""Training data, training loop, evaluation and calibration of the drum model (torch, no Qt)."""
