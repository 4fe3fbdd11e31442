#!/usr/bin/env bash
# The tests need two programs from Debian: Chromium (browser journeys, no browser download) and
# poppler-utils (pdftoppm renders issued permit PDFs so the tests can read their QR codes; pdfsig checks
# their PAdES signatures) and libnss3-tools (certutil: an NSS database trusting the deployment's root),
# and clamav-daemon (the ClamAV adapter's tests start their own clamd with a local EICAR signature; no
# signature download is needed, so freshclam is never run).
# Installs whichever is missing.
set -euo pipefail
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
missing=()
[ -x "$CHROMIUM" ] || missing+=(chromium)
command -v pdftoppm >/dev/null || missing+=(poppler-utils)
command -v certutil >/dev/null || missing+=(libnss3-tools)
[ -x "${CLAMD_PATH:-/usr/sbin/clamd}" ] || missing+=(clamav-daemon)
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
  echo "Missing test tools: ${missing[*]}. Install these Debian packages (or set CHROMIUM_PATH for Chromium, CLAMD_PATH for clamd)." >&2
  exit 1
fi
echo "Installing Debian packages for the tests: ${missing[*]}…"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
