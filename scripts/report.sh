#!/usr/bin/env bash
# Builds the Allure 3 report of the last run, offline: $REPORTS_DIR/allure-results -> $REPORTS_DIR/allure-report,
# carrying $REPORTS_DIR/history.jsonl forward so trends span runs (allurerc.mjs). REPORTS_DIR defaults to reports/.
# Each run starts with an empty allure-results (support/hooks.ts); the results of earlier runs nobody made a report of
# wait in allure-results-unreported/ and join the history first, oldest first, so the trend shows every run once.
# `report.sh open [PORT]` serves the built report on 127.0.0.1 instead.
set -euo pipefail
cd "$(dirname "$0")/.."
# The project's own Node 24 and Allure CLI, also when not started through npm run.
export PATH="$PWD/node_modules/.bin:$PATH"
reports=${REPORTS_DIR:-reports}
export REPORTS_DIR=$reports

case "${1:-generate}" in
  generate)
    if ! compgen -G "$reports/allure-results/*-result.json" >/dev/null; then
      echo "no test results in $reports/allure-results: run the features first (npx cucumber-js)" >&2
      exit 1
    fi
    history=$(realpath -m "$reports/history.jsonl")
    for unreported in "$reports"/allure-results-unreported/*/; do
      [ -d "$unreported" ] || continue
      # allure history writes a scratch allure-report/ into its working directory: give it one of its own.
      scratch=$(mktemp -d)
      results=$(realpath "$unreported")
      (cd "$scratch" && allure history "$results" --history-path "$history" >/dev/null)
      rm -rf "$scratch" "$unreported"
    done
    rmdir "$reports/allure-results-unreported" 2>/dev/null || true
    # allurerc.mjs appends this run to the history unless an earlier report of it already did (.in-history). The old
    # report goes first: Allure 3 generating into a used folder nests a second copy (awesome/) beside the stale one.
    rm -rf "$reports/allure-report"
    allure generate --config allurerc.mjs
    touch "$reports/allure-results/.in-history"
    # Allure 3's report pages always embed Google Analytics (gtag.js); the report is read offline and shares nothing.
    perl -0pi -e 's{\s*<script async src="https://www\.googletagmanager\.com/[^"]*"></script>\s*<script>.*?</script>}{}s' \
      "$reports/allure-report/index.html"
    if grep -q googletagmanager "$reports/allure-report/index.html"; then
      echo "could not remove Google Analytics from $reports/allure-report/index.html: the template changed; update report.sh" >&2
      exit 1
    fi
    echo "report: $reports/allure-report/index.html (npm run report:open serves it)"
    ;;
  open)
    [ -f "$reports/allure-report/index.html" ] || { echo "no report in $reports/allure-report: run npm run report first" >&2; exit 1; }
    # allure open listens on every interface; the report stays on this machine, so bind loopback.
    loopback_listen='import net from "node:net";
      const listen = net.Server.prototype.listen;
      net.Server.prototype.listen = function (port, ...rest) {
        return typeof port === "number" && typeof rest[0] !== "string" ? listen.call(this, port, "127.0.0.1", ...rest) : listen.call(this, port, ...rest);
      };'
    NODE_OPTIONS="${NODE_OPTIONS:-} --import=data:text/javascript;base64,$(printf %s "$loopback_listen" | base64 -w0)" \
      allure open --config allurerc.mjs --port "${2:-${ALLURE_PORT:-0}}"
    ;;
  *) echo "usage: report.sh [generate | open [PORT]]" >&2; exit 2 ;;
esac
