#!/usr/bin/env bash
# Installs what the tests and benchmarks need beyond a JDK 17 and Maven: gcc (golden vectors and
# the C floor of the capture benchmark) and lsof (the capture benchmark's baseline).
set -euo pipefail
need=()
command -v gcc >/dev/null || need+=(gcc libc6-dev)
command -v lsof >/dev/null || need+=(lsof)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
echo "install-deps: gcc $(gcc -dumpversion), $(lsof -v 2>&1 | awk '/revision/{print "lsof " $2; exit}')"
