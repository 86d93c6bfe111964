#!/usr/bin/env bash
# Browser tests drive Debian's Chromium (never a downloaded browser): install it if missing.
set -euo pipefail
command -v /usr/bin/chromium >/dev/null && exit 0
echo "Installing Debian's chromium with apt-get..."
apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
