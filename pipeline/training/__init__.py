"""Training of the small learned parts (needs the [hf] extra for torch)."""
