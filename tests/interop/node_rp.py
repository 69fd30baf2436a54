"""js/interop/rp.mjs (openid-client) as a subprocess the test talks to,
one JSON object per line each way."""
from __future__ import annotations

import json
import os
import queue
import subprocess
import tempfile
import threading
from pathlib import Path

STEP_TIMEOUT = 30


class NodeRelyingParty:
    def __init__(self, node: str, script: Path, env: dict[str, str]):
        self.stderr = tempfile.TemporaryFile(mode="w+")
        self.process = subprocess.Popen([node, str(script)], cwd=script.parent, env={**os.environ, **env},
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.stderr,
                                        text=True)
        self.lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def _stderr(self) -> str:
        self.stderr.seek(0)
        return self.stderr.read()[-3000:]

    def next_message(self) -> dict:
        try:
            line = self.lines.get(timeout=STEP_TIMEOUT)
        except queue.Empty:
            raise AssertionError(f"openid-client said nothing for {STEP_TIMEOUT} s") from None
        if line is None:
            self.process.wait(timeout=5)
            raise AssertionError(f"openid-client exited ({self.process.returncode}): {self._stderr()}")
        message = json.loads(line)
        if message.get("step") == "error":
            raise AssertionError(f"openid-client failed: {message.get('name')}: {message.get('message')}\n"
                                 f"{message.get('stack', '')}")
        return message

    def send(self, line: str) -> None:
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=5)
        self.process.stdin.close()
        self.process.stdout.close()
        self.stderr.close()
