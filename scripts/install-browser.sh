#!/usr/bin/env bash
# Install a Chromium for the tests: Playwright's own build when it can be downloaded, else the
# distribution's package. The plugin finds either by itself (see docs/browsers.md).
set -euo pipefail
python="${1:-.venv/bin/python}"

if "$python" - <<'PY' 2>/dev/null
import os, sys
from playwright.sync_api import sync_playwright
with sync_playwright() as p:
    sys.exit(0 if os.path.isfile(p.chromium.executable_path) else 1)
PY
then
  echo "install-browser: Playwright's Chromium is already installed"; exit 0
fi

if timeout 600 "$python" -m playwright install chromium >/tmp/webagent-playwright-install.log 2>&1; then
  echo "install-browser: installed Playwright's Chromium"; exit 0
fi
echo "install-browser: Playwright's download failed (see /tmp/webagent-playwright-install.log);" \
     "falling back to the distribution's chromium"

for name in chromium chromium-browser google-chrome; do
  if command -v "$name" >/dev/null 2>&1; then
    echo "install-browser: using system $(command -v "$name")"; exit 0
  fi
done

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
if command -v apt-get >/dev/null 2>&1; then
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
  echo "install-browser: installed $(command -v chromium)"; exit 0
fi
echo "install-browser: no Chromium could be installed; run 'playwright install chromium'" >&2
exit 1
