# Helpers for the benchmark scripts (sourced, from the repository's root).

# The CPU time (user + system, in clock ticks) process $1 has used, all its
# threads.
bench_cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# bench_quiesce BIN EP PID...: advances the shared clock past provisioning,
# so that connections still provisioning become active, then waits until
# the processes go idle (their CPU time stops moving for 0.2 s; at most
# 10 s).
bench_quiesce() {
  local bin=$1 ep=$2 last="" now i p
  shift 2
  "$bin/vpcsim" --broker "$ep" admin advance-clock --seconds 5 >/dev/null
  for i in $(seq 50); do
    sleep 0.2
    now=$(for p in "$@"; do bench_cpu "$p" 2>/dev/null; done | tr '\n' ' ')
    [ "$now" = "$last" ] && break
    last=$now
  done
}
