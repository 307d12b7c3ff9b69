# For mypy only. From Home Assistant 2026.10 on, `import voluptuous` gives
# probatio under that name (homeassistant/__init__.py installs it), and Home
# Assistant's own annotations name probatio's types; the type check runs
# against the newest release, so it sees voluptuous as the same probatio.
# Home Assistant 2026.4 ships the real voluptuous, which has the same API.
from probatio import *  # noqa: F403
