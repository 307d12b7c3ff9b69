"""Tests for the Intervals.icu API emulator."""
