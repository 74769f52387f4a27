"""Engines that run the pipeline's batches somewhere else than this process."""
