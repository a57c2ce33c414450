"""Seed, measure and report."""

from bench.seed import ensure_seeded


def run(*, scale: float, repeat: int, out: str) -> None:
    ensure_seeded(scale)
