#!/usr/bin/env bash
# Usage: scripts/apt-install.sh COMMAND PACKAGE...
# Installs Debian PACKAGEs with apt-get unless COMMAND is already on PATH ("-": always). Runs apt-get
# directly as root, through sudo otherwise; says exactly what to run when it cannot.
set -euo pipefail
command=$1; shift
if [ "$command" != "-" ] && command -v "$command" >/dev/null 2>&1; then exit 0; fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "error: '$command' is needed and this machine has no apt-get: install $* yourself." >&2
  exit 1
fi
if [ "$(id -u)" -eq 0 ]; then sudo=""; elif command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
  echo "error: '$command' is needed: run 'apt-get install $*' as root, then try again." >&2
  exit 1
fi
echo "Installing $* with apt-get (needed for '$command')..."
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
