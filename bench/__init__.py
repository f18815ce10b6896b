"""Benchmarks of sms_iot's webhook against baselines measured in the same run."""
