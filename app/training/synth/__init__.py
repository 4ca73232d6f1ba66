"""Synthetic drum renders for training: kits, grooves, rendering, augmentation and shards."""
