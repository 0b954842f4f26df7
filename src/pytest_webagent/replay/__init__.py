"""Trajectories: recording, the identity check before each replayed action, the working store."""
