"""Resolving a step into actions: the direct resolver for explicit steps, the model for the rest."""
