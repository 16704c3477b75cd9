#!/usr/bin/env bash
# Runs every test of the project: installs what the tests need (Debian packages, the Qpid Proton
# example broker, RabbitMQ with its AMQP 1.0 plugin), builds, runs the unit and integration tests
# and ends with one line "tests: N passed, N failed[, N skipped]".
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export HONOMQTT_TEST_WORK="${HONOMQTT_TEST_WORK:-$ROOT/.tmp}"
mkdir -p "$HONOMQTT_TEST_WORK"
HONOMQTT_TEST_WORK=$(cd "$HONOMQTT_TEST_WORK" && pwd -P)

bash scripts/install-test-deps.sh || { echo "installing the test dependencies failed"; echo "tests: 0 passed, 1 failed"; exit 1; }

results="$HONOMQTT_TEST_WORK/results"
rm -rf "$results"; mkdir -p "$results"
# broker state and logs of earlier runs (the fixtures delete their state on dispose; a killed run may leave some)
rm -rf "$HONOMQTT_TEST_WORK/rabbitmq" "$HONOMQTT_TEST_WORK/mosquitto" "$HONOMQTT_TEST_WORK/logs"
status=0
dotnet build HonoMqtt.sln -c Release -nologo -v q || { echo "build failed"; echo "tests: 0 passed, 1 failed"; exit 1; }
for project in test/HonoMqtt.Adapter.Tests test/HonoMqtt.Adapter.IntegrationTests; do
  name=$(basename "$project")
  dotnet test "$project" -c Release --no-build -nologo \
    --logger "trx;LogFileName=$name.trx" --results-directory "$results" \
    --logger "console;verbosity=normal" 2>&1 | tee "$results/$name.log" | grep -vE '^\s*(Passed|Skipped) ' || true
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
done

# The Helm chart's render-free checks (yamllint, documented and used values, the rendered example): one result each.
/usr/bin/python3 scripts/check-chart.py | tee "$results/chart.log"
chart_status=${PIPESTATUS[0]}
read -r chart_passed chart_total < <(sed -n 's/^chart checks: \([0-9]*\) of \([0-9]*\) passed$/\1 \2/p' "$results/chart.log")
if [ -z "${chart_passed:-}" ]; then chart_passed=0; chart_total=1; echo "the chart checks printed no result"; fi
chart_failed=$((chart_total - chart_passed))
[ "$chart_status" -eq 0 ] || status=1

# Sum the counters of every TRX file (one per test project).
read -r passed failed skipped < <(/usr/bin/python3 - "$results" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
p = f = s = 0
for path in glob.glob(sys.argv[1] + "/*.trx"):
    c = ET.parse(path).getroot().find(".//{*}ResultSummary/{*}Counters")
    p += int(c.get("passed")); f += int(c.get("failed")) + int(c.get("error")) + int(c.get("timeout")) + int(c.get("aborted"))
    s += int(c.get("notExecuted")) + int(c.get("inconclusive"))
print(p, f, s)
PY
)
passed=$((passed + chart_passed)); failed=$((failed + chart_failed))
[ "$(ls "$results"/*.trx 2>/dev/null | wc -l)" -eq 2 ] || { status=1; failed=$((failed + 1)); echo "a test project produced no results"; }

# The broker fixtures (Proton broker, RabbitMQ with its epmd, mosquitto) run with their working directory in their
# directory of the work directory and must be gone once the tests are: any such process still there is a leak,
# reported as a failure and ended by its PID.
work_processes() {
  local p cwd cmd
  for p in /proc/[0-9]*; do
    cwd=$(readlink "$p/cwd" 2>/dev/null) || continue
    case "$cwd" in "$HONOMQTT_TEST_WORK"/proton-broker | "$HONOMQTT_TEST_WORK"/rabbitmq/* | "$HONOMQTT_TEST_WORK"/mosquitto/*) ;; *) continue ;; esac
    cmd="$(cat "$p/comm" 2>/dev/null) $(tr '\0' ' ' < "$p/cmdline" 2>/dev/null)"
    case "$cmd" in beam.smp* | epmd* | erl_child_setup* | inet_gethost* | broker* | mosquitto* | *rabbitmq-server* | *rabbit_disk_monitor*) echo "${p#/proc/}" ;; esac
  done
}
leftovers=$(work_processes)
for _ in $(seq 1 50); do [ -z "$leftovers" ] && break; sleep 0.1; leftovers=$(work_processes); done
if [ -n "$leftovers" ]; then
  echo "test processes left behind:"
  for p in $leftovers; do echo "  $p $(tr '\0' ' ' < "/proc/$p/cmdline" 2>/dev/null)"; done
  kill -KILL $leftovers 2>/dev/null || true
  status=1; failed=$((failed + 1))
fi
[ "$failed" -eq 0 ] || status=1
if [ "$skipped" -gt 0 ]; then
  echo "tests: $passed passed, $failed failed, $skipped skipped"
else
  echo "tests: $passed passed, $failed failed"
fi
exit $status
