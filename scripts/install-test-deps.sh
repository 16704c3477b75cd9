#!/usr/bin/env bash
# Installs what the integration tests need on Debian 12 (as root): mosquitto's clients, paho,
# the Qpid Proton C example broker (built with gcc), RabbitMQ with its AMQP 1.0 plugin, and yamllint
# for the Helm chart's checks, and Prometheus for the cross-instance resource-limit tests (they run their own
# prometheus process on free ports).
set -euo pipefail
WORK="${HONOMQTT_TEST_WORK:-$(cd "$(dirname "$0")/.." && pwd)/.tmp}"
mkdir -p "$WORK"
packages=(yamllint mosquitto mosquitto-clients python3-paho-mqtt python3-qpid-proton libqpid-proton11-dev libqpid-proton11-dev-examples gcc libc6-dev rabbitmq-server openssl prometheus)
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# RabbitMQ's package may start a system service when it is installed. The tests run their own nodes (own epmd,
# free ports) and do not need it stopped, so stop it only right after installing it here, through the service
# itself: never by process name, which would also hit other RabbitMQ nodes running on this machine.
if [[ " ${missing[*]} " == *" rabbitmq-server "* ]]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  if [ -d /run/systemd/system ]; then $SUDO systemctl stop rabbitmq-server >/dev/null 2>&1 || true
  elif command -v service >/dev/null 2>&1; then $SUDO service rabbitmq-server stop >/dev/null 2>&1 || true; fi
fi
# Debian's prometheus package enables a system service listening on :9090; the tests start their own, so stop and
# disable that one right after installing it (through the service, never by process name).
if [[ " ${missing[*]} " == *" prometheus "* ]]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  if [ -d /run/systemd/system ]; then $SUDO systemctl disable --now prometheus >/dev/null 2>&1 || true
  elif command -v service >/dev/null 2>&1; then $SUDO service prometheus stop >/dev/null 2>&1 || true; fi
fi

# The Proton example broker, with a larger credit window than the example's 5.
BROKER="$WORK/proton-broker"
if [ ! -x "$BROKER/broker" ]; then
  rm -rf "$BROKER"; mkdir -p "$BROKER"
  cp -r /usr/share/proton/examples/c/. "$BROKER/"
  sed -i 's/const int WINDOW=5;/const int WINDOW=200;/' "$BROKER/broker.c"
  gcc -O2 -o "$BROKER/broker" "$BROKER/broker.c" -lqpid-proton -lpthread
fi
echo "test dependencies ready in $WORK"
