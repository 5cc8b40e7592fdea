#!/usr/bin/env bash
# Install Debian's Chromium, which prints the PDF report, when no Chromium is on PATH.
set -euo pipefail
for exe in "${SAFEGUARDING_REPORT_CHROMIUM:-}" chromium chromium-browser google-chrome; do
  if [ -n "$exe" ] && command -v "$exe" >/dev/null 2>&1; then exit 0; fi
done
if ! command -v apt-get >/dev/null 2>&1; then
  echo "PDF printing needs Chromium and this machine has no apt-get: install Chromium," >&2
  echo "or set SAFEGUARDING_REPORT_CHROMIUM to its path, or build HTML only with NO_PDF=1." >&2
  exit 1
fi
if [ "$(id -u)" -eq 0 ]; then sudo=""; elif command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
  echo "PDF printing needs Chromium: run 'apt-get install chromium' as root, then try again." >&2
  exit 1
fi
echo "Installing Debian's chromium for PDF printing (apt-get)..."
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium poppler-utils >/dev/null
