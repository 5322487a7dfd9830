#!/usr/bin/env bash
# Debian packages the browser and server tests use: headless Chromium and OpenLink Virtuoso.
# Run as root (CI does). Nothing else is downloaded: Playwright drives the Debian Chromium.
set -euo pipefail
if [ "$(id -u)" -ne 0 ]; then
  echo "install-system-deps: run as root (sudo make system-deps)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium virtuoso-opensource-7-bin >/dev/null
echo "installed: $(chromium --version 2>/dev/null | head -1); virtuoso-t at $(command -v virtuoso-t)"
