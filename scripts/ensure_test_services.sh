#!/usr/bin/env bash
# The browser tests drive Debian's chromium and the PostgreSQL tests start a throwaway cluster from Debian's
# postgresql binaries; OCR of images (issue 12) needs Tesseract with its Indonesian data and the fonts the
# demo images are rendered with. Install them when missing and we may (root + apt-get); otherwise those
# tests skip with a reason. `bash scripts/ensure_test_services.sh ocr` checks only the OCR part (make demo).
set -u
missing=()
if [ "${1:-}" != "ocr" ]; then
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
fi
command -v tesseract >/dev/null 2>&1 || missing+=(tesseract-ocr)
ls /usr/share/tesseract-ocr/*/tessdata/ind.traineddata >/dev/null 2>&1 || missing+=(tesseract-ocr-ind)
[ -f /usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf ] || missing+=(fonts-liberation)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian packages: ${missing[*]}"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      "${missing[@]}" fonts-dejavu-core >/dev/null) \
    || echo "WARNING: could not install ${missing[*]}; the tests that need them will be skipped"
  # Debian starts a default cluster on install; the tests run their own, so stop it.
  command -v pg_ctlcluster >/dev/null 2>&1 && service postgresql stop >/dev/null 2>&1
else
  echo "NOTE: ${missing[*]} not found and not root; install them (apt-get install ${missing[*]})," \
       "or the tests and the demo's image text that need them are skipped"
fi
exit 0
