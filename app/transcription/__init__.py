"""Audio to drum events: features, the hierarchical model, checkpoints, inference and decoding (torch, no Qt)."""
