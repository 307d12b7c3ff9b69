"""Tools for conversation agents: ask Home Assistant about your training."""

from .api import async_register_llm_api

__all__ = ["async_register_llm_api"]
