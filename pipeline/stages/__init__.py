"""Built-in stages; importing this package registers them with :mod:`pipeline.registry`."""
from pipeline.stages import clean, entities, keywords, sentences, summary, tokens  # noqa: F401
