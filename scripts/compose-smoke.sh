#!/usr/bin/env bash
# Smoke test of the container stack (docker-compose.yml): builds the images, starts the stack,
# waits until every service is healthy, then checks the service with curl as a client would:
#   GET /readyz 200; POST /auth/login (demo user, tokens in the body) 200; GET /me with the token 200;
#   the same with cookies; with the replicas file, a session started on one replica served by the other.
# Then the bff's stop time on SIGTERM, and `down -v`. Exits non-zero on the first failure.
#
# Usage: scripts/compose-smoke.sh [single|replicas|all]     (default: all, one after the other)
# Environment:
#   COMPOSE        the compose command (default: podman-compose if installed, else "docker compose")
#   PROJECT        compose project name (default: cognito-bff-smoke; volumes are that project's only)
#   READY_TIMEOUT  seconds to wait for health (default: 120)
#   KEEP=1         leave the stack running at the end (tear it down yourself with the printed command)
# Needs curl. Uses host ports 127.0.0.1:3000, 3001 and 9229 (stop a dev stack first).
# Not part of `npm test`: CI need not have a container engine.
set -euo pipefail
cd "$(dirname "$0")/.."

MODE=${1:-all}
PROJECT=${PROJECT:-cognito-bff-smoke}
READY_TIMEOUT=${READY_TIMEOUT:-120}
if [ -z "${COMPOSE:-}" ]; then
  if command -v podman-compose >/dev/null; then COMPOSE=podman-compose; else COMPOSE="docker compose"; fi
fi
case "$COMPOSE" in podman*) ENGINE=podman ;; *) ENGINE=docker ;; esac
# Keep the Dockerfile's HEALTHCHECK (podman builds OCI images by default, which drop it).
export BUILDAH_FORMAT=docker
DEMO='{"username":"demo","password":"Passw0rd!demo","tokenDelivery":"body"}'
WORK=$(mktemp -d)
FILES=()
failed=0

now_ms() { date +%s%3N; }
log() { printf '[smoke] %s\n' "$*"; }
fail() { printf '[smoke] FAIL: %s\n' "$*" >&2; failed=1; exit 1; }
compose() { $COMPOSE -p "$PROJECT" "${FILES[@]}" "$@"; }
container_of() { $ENGINE ps -q --filter "label=com.docker.compose.project=$PROJECT" --filter "label=com.docker.compose.service=$1" | head -1; }

# Healthy by the service's own healthcheck. podman schedules healthchecks with systemd timers, which a
# machine without systemd lacks: `podman healthcheck run` evaluates it on demand (and records the status).
healthy() {
  local id; id=$(container_of "$1"); [ -n "$id" ] || return 1
  if [ "$ENGINE" = podman ]; then
    podman healthcheck run "$id" >/dev/null 2>&1
  else
    [ "$(docker inspect -f '{{.State.Health.Status}}' "$id")" = healthy ]
  fi
}

# status URL [curl args...]: prints the HTTP status, the body goes to $WORK/body.
status() { local url=$1; shift; curl -s -o "$WORK/body" -w '%{http_code}' "$@" "$url" || true; }
expect() { # expect WANT WHAT URL [curl args...]
  local want=$1 what=$2 got; shift 2
  got=$(status "$@")
  [ "$got" = "$want" ] || fail "$what: HTTP $got, wanted $want: $(head -c 300 "$WORK/body")"
  log "ok  $what ($got)"
}
field() { sed -n "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/p" "$WORK/body"; }

teardown() {
  local rc=$?
  if [ ${#FILES[@]} -gt 0 ]; then
    if [ $rc -ne 0 ] || [ $failed -ne 0 ]; then
      for service in cognito redis bff bff-2; do
        id=$(container_of "$service" || true)
        [ -n "$id" ] || continue
        echo "----- logs: $service (last 30 lines)" >&2
        $ENGINE logs --tail 30 "$id" 2>&1 | grep -v 'systemd connection' >&2 || true
      done
    fi
    if [ "${KEEP:-0}" = 1 ]; then
      log "left running; tear down with: $COMPOSE -p $PROJECT ${FILES[*]} down -v"
    else
      compose down -v >"$WORK/down.log" 2>&1 || { log "down failed:"; tail -20 "$WORK/down.log" >&2; }
    fi
  fi
  rm -rf "$WORK"
  exit $rc
}
trap teardown EXIT

run_stack() { # run_stack single|replicas
  local variant=$1
  FILES=(-f docker-compose.yml)
  local services=(cognito redis bff) ports=(3000)
  if [ "$variant" = replicas ]; then
    FILES+=(-f docker-compose.replicas.yml)
    services+=(bff-2); ports+=(3001)
  fi
  log "== $variant: $COMPOSE -p $PROJECT ${FILES[*]}"
  compose down -v >"$WORK/down.log" 2>&1 || true

  local t0 t1 t2
  t0=$(now_ms)
  compose build >"$WORK/build.log" 2>&1 || { tail -40 "$WORK/build.log" >&2; fail "build"; }
  t1=$(now_ms)
  log "built in $(( (t1 - t0) / 1000 )).$(( (t1 - t0) % 1000 / 100 )) s"
  compose up -d >"$WORK/up.log" 2>&1 || { tail -40 "$WORK/up.log" >&2; fail "up"; }
  local deadline=$(( $(date +%s) + READY_TIMEOUT )) waiting
  while :; do
    waiting=()
    for service in "${services[@]}"; do healthy "$service" || waiting+=("$service"); done
    [ ${#waiting[@]} -eq 0 ] && break
    [ "$(date +%s)" -lt "$deadline" ] || fail "not healthy after ${READY_TIMEOUT} s: ${waiting[*]}"
    sleep 0.5
  done
  t2=$(now_ms)
  log "every service healthy $(( (t2 - t1) / 1000 )).$(( (t2 - t1) % 1000 / 100 )) s after up (${services[*]})"
  log "image size: $($ENGINE image inspect localhost/cognito-bff:latest --format '{{.Size}}' | awk '{printf "%.0f MB", $1 / 1e6}')"

  for port in "${ports[@]}"; do
    local base=http://127.0.0.1:$port
    expect 200 "GET $base/readyz" "$base/readyz"
    expect 200 "POST $base/auth/login (demo, tokens in the body)" "$base/auth/login" -H 'content-type: application/json' -d "$DEMO"
    local access; access=$(field accessToken)
    [ -n "$access" ] || fail "no accessToken in the login answer"
    expect 200 "GET $base/me (Bearer)" "$base/me" -H "authorization: Bearer $access"
    grep -q '"username":"demo"' "$WORK/body" || fail "/me is not the demo user's: $(head -c 300 "$WORK/body")"
    expect 401 "GET $base/me (no token)" "$base/me"
  done
  # Cookies: a browser's session.
  expect 200 "POST :3000/auth/login (cookies)" http://127.0.0.1:3000/auth/login -c "$WORK/jar" \
    -H 'content-type: application/json' -d '{"username":"demo","password":"Passw0rd!demo"}'
  expect 200 "GET :3000/me (cookies)" http://127.0.0.1:3000/me -b "$WORK/jar"

  if [ "$variant" = replicas ]; then
    expect 200 "POST :3000/auth/login (replica 1)" http://127.0.0.1:3000/auth/login -H 'content-type: application/json' -d "$DEMO"
    local access1 refresh1; access1=$(field accessToken); refresh1=$(field refreshToken)
    expect 200 "GET :3001/me with replica 1's token (replica 2)" http://127.0.0.1:3001/me -H "authorization: Bearer $access1"
    expect 200 "POST :3001/auth/refresh with replica 1's refresh token (replica 2)" http://127.0.0.1:3001/auth/refresh \
      -H 'content-type: application/json' -d "{\"refreshToken\":\"$refresh1\"}"
    expect 200 "POST :3001/auth/login (replica 2)" http://127.0.0.1:3001/auth/login -H 'content-type: application/json' -d "$DEMO"
    local access2; access2=$(field accessToken)
    expect 200 "GET :3000/me with replica 2's token (replica 1)" http://127.0.0.1:3000/me -H "authorization: Bearer $access2"
    # Cookies are per host, not port: the jar from replica 1's login goes to replica 2 too (same COOKIE_SECRETS).
    expect 200 "GET :3001/me with replica 1's cookies (replica 2)" http://127.0.0.1:3001/me -b "$WORK/jar"
    # Shared state: a logout on replica 2 revokes the token on replica 1 too (the revocation is in Redis;
    # /tokens/verify asks no Cognito, only the token and the store).
    expect 200 "POST :3000/tokens/verify replica 2's token (replica 1)" http://127.0.0.1:3000/tokens/verify \
      -H 'content-type: application/json' -d "{\"token\":\"$access2\"}"
    local refresh2; expect 200 "POST :3001/auth/login (replica 2, to log out)" http://127.0.0.1:3001/auth/login \
      -H 'content-type: application/json' -d "$DEMO"
    access2=$(field accessToken); refresh2=$(field refreshToken)
    expect 204 "POST :3001/auth/logout (replica 2)" http://127.0.0.1:3001/auth/logout -H "authorization: Bearer $access2" \
      -H 'content-type: application/json' -d "{\"refreshToken\":\"$refresh2\"}"
    expect 401 "POST :3000/tokens/verify the logged-out token (replica 1: revoked, via Redis)" http://127.0.0.1:3000/tokens/verify \
      -H 'content-type: application/json' -d "{\"token\":\"$access2\"}"
    grep -q '"reason":"revoked"' "$WORK/body" || fail "not refused as revoked: $(head -c 300 "$WORK/body")"
  fi

  if [ "${KEEP:-0}" != 1 ]; then
    # SIGTERM: the service finishes and exits at once (close-with-grace), far inside the 10 s grace.
    local id s e code; id=$(container_of bff); s=$(now_ms)
    $ENGINE stop -t 10 "$id" >/dev/null 2>&1
    e=$(now_ms)
    code=$($ENGINE inspect -f '{{.State.ExitCode}}' "$id")
    [ $(( e - s )) -lt 2000 ] && [ "$code" = 0 ] || fail "bff stop took $(( e - s )) ms, exit code $code"
    log "ok  bff stopped on SIGTERM in $(( e - s )) ms, exit code $code"
    compose down -v >"$WORK/down.log" 2>&1 || { tail -20 "$WORK/down.log" >&2; fail "down"; }
    FILES=()
  fi
  log "== $variant: passed"
}

case "$MODE" in
  single|replicas) run_stack "$MODE" ;;
  all) run_stack single; [ "${KEEP:-0}" = 1 ] || run_stack replicas ;;
  *) echo "usage: $0 [single|replicas|all]" >&2; exit 2 ;;
esac
log "all checks passed"
