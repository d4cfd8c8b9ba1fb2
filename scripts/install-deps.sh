#!/usr/bin/env bash
# Installs what the tests and benchmarks need beyond a JDK 17 and Maven: gcc (golden vectors and
# the C floor of the capture benchmark), lsof (the capture benchmark's baseline), docker-compose
# (validates docker-compose.yml with Compose's own schema; `config` needs no Docker daemon).
# INSTALL_PROMTOOL=1 also installs Debian's prometheus package for promtool, which checks the
# dashboard's queries, the alert rules and the scrape config; it is opt-in because the package
# starts a Prometheus server and node exporter where systemd runs. Without it those checks skip.
# The hung-filesystem tests need no package: their FUSE daemon (agent/src/test/c/fusehang.c)
# speaks /dev/fuse directly with <linux/fuse.h> from libc6-dev's linux-libc-dev; they skip where
# /dev/fuse is missing (no fuse module) or the mount is refused (not root).
set -euo pipefail
need=()
command -v gcc >/dev/null || need+=(gcc libc6-dev)
command -v lsof >/dev/null || need+=(lsof)
command -v docker-compose >/dev/null || need+=(docker-compose)
if [ "${INSTALL_PROMTOOL:-0}" = 1 ] && ! command -v promtool >/dev/null; then need+=(prometheus); fi
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
echo "install-deps: gcc $(gcc -dumpversion), $(lsof -v 2>&1 | awk '/revision/{print "lsof " $2; exit}')," \
  "$(docker-compose version --short 2>/dev/null | sed 's/^/docker-compose /')" \
  "$(command -v promtool >/dev/null && promtool --version 2>&1 | awk 'NR==1{print "promtool " $3}')"
