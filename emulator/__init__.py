"""Intervals.icu API emulator for tests, benchmarks and demos."""

from .faults import Fault, FaultKind
from .generator import generate_athlete
from .model import Athlete, make_activity, make_event
from .server import EmulatorServer, create_app, running_emulator
from .state import EmulatorState, LoggedRequest, RateLimiter, RequestLog

__all__ = [
    "Athlete",
    "EmulatorServer",
    "EmulatorState",
    "Fault",
    "FaultKind",
    "LoggedRequest",
    "RateLimiter",
    "RequestLog",
    "create_app",
    "generate_athlete",
    "make_activity",
    "make_event",
    "running_emulator",
]
