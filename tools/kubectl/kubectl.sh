#!/usr/bin/env bash
# `npx kubectl …` and npm scripts run the project's kubectl v1.34 (the version the lab emulates), which a fresh machine
# does not have on its PATH: scripts/install-kubectl.sh puts it in .tools/bin on first use.
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
[ -x "$root/.tools/bin/kubectl" ] || bash "$root/scripts/install-kubectl.sh" >&2
exec "$root/.tools/bin/kubectl" "$@"
