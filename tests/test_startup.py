"""Start-up cost: what importing the plugin pulls in (times are in benchmarks/startup.py)."""

from __future__ import annotations

import os
import subprocess
import sys


def test_importing_the_plugin_leaves_the_model_client_and_jsonschema_for_later() -> None:
    # openai took most of a second, jsonschema a tenth: replay-only runs and IDE test discovery
    # import the plugin without ever planning a step or reading a case file. The HTTP client of
    # the model (httpx2, with asyncio: 50 ms more) is the model's too.
    code = (
        "import sys, pytest_webagent.plugin; "
        "print(sorted(m for m in ('openai', 'jsonschema', 'httpx', 'httpx2') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=os.environ
    )
    assert out.stdout.strip() == "[]"
