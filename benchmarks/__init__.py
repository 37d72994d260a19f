"""Benchmarks of ssm-incidents-mock: ``python benchmarks/run.py`` (see docs/performance.md)."""
