"""The athlete's training worked out: totals, bests, records, goals, gear, plan.

Pure code: records in, values out. No I/O and no Home Assistant here, so all
of it is tested with plain pytest and benchmarked without a running system.
"""
