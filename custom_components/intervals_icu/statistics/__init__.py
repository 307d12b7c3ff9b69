"""The athlete's whole history in Home Assistant's long-term statistics."""
