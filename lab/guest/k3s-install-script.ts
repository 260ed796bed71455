/**
 * What the lab serves at https://get.k3s.io. The guest has no internet, so the steps of the real install.sh
 * (setup_env, download_and_verify, create_symlinks, create_env_file, service_enable_and_start, ...) run in the
 * lab's emulated installer (k3s-installer.ts), which keeps the real script's checks, messages and order.
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

/** Placeholder for the static k3s binary: running it by path reaches the lab's k3s command. */
export const K3S_BINARY = `#!/bin/sh
# k3s static binary (lab stand-in)
k3s "$@"
`;
