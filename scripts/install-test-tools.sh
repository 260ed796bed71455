#!/usr/bin/env bash
# Installs the Debian packages the tests use when they are missing. Node itself comes from the npm registry
# (the `node` package in package.json), so the machine's own Node version does not matter.
set -euo pipefail
missing=()
command -v ssh >/dev/null 2>&1 || missing+=(openssh-client)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "missing ${missing[*]}: install them (apt-get install ${missing[*]}) or run this as root" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
