/**
 * What the lab serves at https://get.k3s.io (and writes as install.sh into an airgap set). The guest has no real
 * shell interpreter for the real script, so its steps (setup_env, download_and_verify, create_symlinks,
 * create_env_file, service_enable_and_start, ...) run in the guest's emulation of install.sh
 * (lab/guest/k3s-installer.ts), which keeps the real script's checks, messages, downloads and order.
 */
export const K3S_INSTALL_SCRIPT = `#!/bin/sh
set -e
set -o noglob

# Usage:
#   curl ... | ENV_VAR=... sh -
#       or
#   ENV_VAR=... ./install.sh
#
# Example:
#   Installing an agent to point at a server:
#     curl ... | K3S_TOKEN=xxx K3S_URL=https://server-url:6443 sh -
#
# Served by the embedded lab: the installer steps run in the lab guest's emulation of install.sh.
k3s-lab-install "$@"
`;
