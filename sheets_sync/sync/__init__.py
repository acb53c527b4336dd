"""Sync orchestration: read every team, score, write back, hand results to the rollup."""
