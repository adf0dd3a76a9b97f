"""The performance suite behind `make bench`: every figure is a ratio against a floor measured in the same run.

Run it with `python -m bench` (see `python -m bench --help` and docs/performance.md).
"""
