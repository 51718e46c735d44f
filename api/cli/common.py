"""What the commands share: loading the graph, and printing answers."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict, is_dataclass
from typing import Any

from graph.queries import PathView

from ..state import AppState, Settings, open_state


def load_state() -> AppState:
    return open_state(Settings.from_env())


def to_json(value: Any) -> str:
    def default(o: Any) -> Any:
        if is_dataclass(o) and not isinstance(o, type):
            return asdict(o)
        raise TypeError(type(o).__name__)

    return json.dumps(value, default=default, indent=2, ensure_ascii=False)


def print_json(value: Any) -> None:
    sys.stdout.write(to_json(value) + "\n")


def path_line(path: PathView) -> str:
    """``L3 spinal nerve —forms→ lumbar plexus —forms→ femoral nerve …`` with the weakest link."""
    if not path.steps:
        return ""
    parts = [path.steps[0].source.label]
    for step in path.steps:
        maps = f" [{', '.join(m.label for m in step.maps)}]" if step.maps else ""
        parts.append(f"—{step.relation}{maps}→ {step.target.label}")
    return " ".join(parts) + ("" if path.contribution == "major" else "  (minor)")
