#!/usr/bin/env bash
# Browser tests drive Debian's Chromium; install it when missing and we are allowed to (root, apt).
set -u
if command -v chromium >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the browser tests..."
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
    || echo "WARNING: could not install chromium; browser tests will be skipped"
else
  echo "NOTE: chromium not found and not root; browser tests will be skipped (apt-get install chromium)"
fi
exit 0
