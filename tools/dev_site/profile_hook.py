"""Profile a running Home Assistant on demand (benchmarks only).

SIGUSR1 starts a fresh cProfile on the main thread, where the event loop runs, timed by that
thread's CPU clock (waiting in select costs nothing); SIGUSR2 stops it and writes the statistics
to the file SMS_IOT_PROFILE names.
"""

from __future__ import annotations

import cProfile
import signal
import time
from types import FrameType


def install(path: str) -> None:
    """Start on SIGUSR1, dump to path on SIGUSR2."""
    profilers: list[cProfile.Profile] = []

    def start(signum: int, frame: FrameType | None) -> None:
        profilers.append(cProfile.Profile(time.thread_time))
        profilers[-1].enable()

    def stop(signum: int, frame: FrameType | None) -> None:
        profiler = profilers.pop()
        profiler.disable()
        profiler.dump_stats(path)

    signal.signal(signal.SIGUSR1, start)
    signal.signal(signal.SIGUSR2, stop)
