#!/usr/bin/env bash
# The browser tests drive Debian's chromium and the PostgreSQL tests start a throwaway cluster from Debian's
# postgresql binaries. Install them when missing and we may (root + apt-get); otherwise those tests skip with a reason.
set -u
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian packages for the tests: ${missing[*]}"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      "${missing[@]}" fonts-dejavu-core >/dev/null) \
    || echo "WARNING: could not install ${missing[*]}; the tests that need them will be skipped"
  # Debian starts a default cluster on install; the tests run their own, so stop it.
  command -v pg_ctlcluster >/dev/null 2>&1 && service postgresql stop >/dev/null 2>&1
else
  echo "NOTE: ${missing[*]} not found and not root; the tests that need them will be skipped"
fi
exit 0
