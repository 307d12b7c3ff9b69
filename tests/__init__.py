"""Tests of the Intervals.icu integration."""
