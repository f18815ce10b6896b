"""Development-only seams, put on PYTHONPATH by scripts/develop and scripts/bench."""
