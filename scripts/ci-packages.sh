#!/usr/bin/env bash
# Installs the Debian packages the test suite drives as real parts, when they are missing:
#   chromium                 the dashboard's end-to-end tests (playwright-core, executablePath /usr/bin/chromium)
#   prometheus (+ promtool)  the Prometheus release source, PromQL alert rules, `promtool check rules`
#   prometheus-alertmanager  the Alertmanager receiver
# Debian's packages only; nothing is downloaded from elsewhere. Safe to run twice.
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -x /usr/bin/prometheus ] && [ -x /usr/bin/promtool ] || need+=(prometheus)
[ -x /usr/bin/prometheus-alertmanager ] || need+=(prometheus-alertmanager)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]}…" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
fi
