"""Convention profiles (``models/entity_profiles.toml``): which head competes, which sources and edits run."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache

from pipeline.errors import ConfigError, ResourceError
from pipeline.resources import read_text_file, resolve


@dataclass(frozen=True)
class Profile:
    name: str
    description: str
    first_head: str
    fill_gaps: tuple[str, ...]
    sources: tuple[str, ...]
    post_edits: tuple[str, ...]
    min_score: float = 0.0
    min_score_by_label: tuple[tuple[str, float], ...] = ()  # a higher floor for some labels (PERSON)

    def floors(self) -> dict[str, float]:
        """The minimum CRF marginal of a model span, by label ("" for every other label)."""
        return {"": self.min_score, **{label: max(score, self.min_score) for label, score in self.min_score_by_label}}


@lru_cache(maxsize=4)
def load_profiles(name: str = "entity_profiles.toml") -> dict[str, Profile]:
    path = resolve(name)
    try:
        data = tomllib.loads(read_text_file(path))
    except tomllib.TOMLDecodeError as exc:
        raise ResourceError(f"cannot read the entity profiles {path}: {exc}") from exc
    profiles = {}
    for key, table in data.items():
        try:
            profiles[key] = Profile(key, str(table.get("description", "")), str(table["first_head"]),
                                    tuple(table.get("fill_gaps", [])), tuple(table["sources"]),
                                    tuple(table["post_edits"]), float(table.get("min_score", 0.0)),
                                    tuple((str(k), float(v)) for k, v in table.get("min_score_by_label", {}).items()))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ResourceError(f"{path}: profile [{key}] needs first_head, sources and post_edits ({exc})") from exc
    return profiles


def profile_names() -> list[str]:
    return list(load_profiles())


def get_profile(name: str) -> Profile:
    profiles = load_profiles()
    if name not in profiles:
        raise ConfigError(f"entities.convention must be one of {', '.join(profiles)}, got {name!r}")
    return profiles[name]
