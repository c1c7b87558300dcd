#!/usr/bin/env bash
# Smoke test of the container stack (docker-compose.yml), checked with curl as a client would:
#   1. builds the service's image and the emulator's with the engine (podman: --pull=never, --format docker)
#      and looks inside the service's: no local Cognito package, cognito-local, tsx, TypeScript or AWS SDK v2 anywhere, no
#      sources, runs as node on Node 24; prints its size, the size of its node_modules and the number of packages;
#   2. per variant (single: docker-compose.yml; replicas: plus docker-compose.replicas.yml) starts the
#      stack (single with `up -d --build`, as the README says), waits until every service is healthy, then:
#      GET /readyz 200; the demo user's login (tokens in the body) and /me; a fresh user signs up, the code
#      is read from the emulator's log, confirmed, signed in, and /me is theirs; a cookie session;
#      replicas: a session started on one replica is served by the other, and a logout on one is honoured
#      by the other (the same access token, refresh token and cookies refused there);
#   3. stops the bff with SIGTERM, which must take under 2 s and exit 0; then `down -v`.
# Exits non-zero on the first failure (after printing the containers' logs); always tears down.
# Ends with one line of figures: "[smoke] summary: image 280 MB, node_modules 60 MB in 74 packages, ...".
#
# Usage: scripts/compose-smoke.sh [single|replicas|all]     (default: all, one after the other)
# Environment:
#   COMPOSE        the compose command (default: podman-compose if installed, else "docker compose")
#   PROJECT        compose project name (default: cognito-bff-smoke; volumes are that project's only)
#   READY_TIMEOUT  seconds to wait for health (default: 120)
#   KEEP=1         leave the stack running at the end (tear it down yourself with the printed command)
#   BFF_HOST_PORT, BFF_2_HOST_PORT, COGNITO_HOST_PORT
#                  host ports on 127.0.0.1 (default 3000, 3001, 9229; the compose files read the same
#                  variables); the script stops at once when one is taken
#   SMOKE_SUMMARY  a file to write the figures to, as key=value lines (for CI)
# Needs curl and a container engine with compose. Not part of `npm test`; .ci/run runs it.
set -euo pipefail
cd "$(dirname "$0")/.."

MODE=${1:-all}
case "$MODE" in single|replicas|all) ;; *) echo "usage: $0 [single|replicas|all]" >&2; exit 2 ;; esac
PROJECT=${PROJECT:-cognito-bff-smoke}
READY_TIMEOUT=${READY_TIMEOUT:-120}
if [ -z "${COMPOSE:-}" ]; then
  if command -v podman-compose >/dev/null; then COMPOSE=podman-compose; else COMPOSE="docker compose"; fi
fi
case "$COMPOSE" in podman*) ENGINE=podman ;; *) ENGINE=docker ;; esac
# The compose files name these images (image: in docker-compose.yml).
IMAGE=localhost/cognito-bff:latest
EMULATOR_IMAGE=localhost/cognito-bff-emulator:latest
export BFF_HOST_PORT=${BFF_HOST_PORT:-3000} BFF_2_HOST_PORT=${BFF_2_HOST_PORT:-3001} COGNITO_HOST_PORT=${COGNITO_HOST_PORT:-9229}
A=http://127.0.0.1:$BFF_HOST_PORT
B=http://127.0.0.1:$BFF_2_HOST_PORT
# Keep the Dockerfile's HEALTHCHECK when compose builds too (podman builds OCI images by default, which drop it).
export BUILDAH_FORMAT=docker
JSON=(-H 'content-type: application/json')
DEMO='{"username":"demo","password":"Passw0rd!demo","tokenDelivery":"body"}'
WORK=$(mktemp -d)
FILES=()
failed=0
started=$(date +%s%3N)
IMAGE_MB='?' NM_MB='?' NM_PACKAGES='?' STOP_MS=()

now_ms() { date +%s%3N; }
seconds() { awk -v ms="$1" -v d="${2:-1}" 'BEGIN { printf "%.*f", d, ms / 1000 }'; } # seconds [decimals]: ms as s
log() { printf '[smoke] %s\n' "$*"; }
fail() { printf '[smoke] FAIL: %s\n' "$*" >&2; failed=1; exit 1; }
compose() { $COMPOSE -p "$PROJECT" "${FILES[@]}" "$@"; }
container_of() { $ENGINE ps -q --filter "label=com.docker.compose.project=$PROJECT" --filter "label=com.docker.compose.service=$1" | head -1; }
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

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

# Removes the stack; podman-compose 1.0.x leaves the project's network behind, so that goes too.
down() {
  compose down -v >"$WORK/down.log" 2>&1 || { tail -20 "$WORK/down.log" >&2; return 1; }
  if [ "$ENGINE" = podman ] && podman network exists "${PROJECT}_default" 2>/dev/null; then
    podman network rm "${PROJECT}_default" >/dev/null 2>&1 || true
  fi
}

teardown() {
  local rc=$?
  trap - EXIT INT TERM
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
      down || log "down failed"
    fi
  fi
  rm -rf "$WORK"
  exit $rc
}
trap teardown EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

build_images() {
  local args=() t0 t1
  # --pull=never: the base images must be there already (no registry needed). docker build uses local images anyway.
  if [ "$ENGINE" = podman ]; then args=(--pull=never --format docker); fi
  t0=$(now_ms)
  $ENGINE build "${args[@]}" --target runtime -t "$IMAGE" . >"$WORK/build.log" 2>&1 \
    || { tail -40 "$WORK/build.log" >&2; fail "$ENGINE build --target runtime"; }
  $ENGINE build "${args[@]}" --target cognito-local -t "$EMULATOR_IMAGE" . >"$WORK/build.log" 2>&1 \
    || { tail -40 "$WORK/build.log" >&2; fail "$ENGINE build --target cognito-local"; }
  t1=$(now_ms)
  log "built $IMAGE and $EMULATOR_IMAGE in $(seconds $(( t1 - t0 ))) s ($ENGINE build ${args[*]})"
}

# What is (not) in the service's image, and how big it is.
check_image() {
  local bytes user out
  bytes=$($ENGINE image inspect --format '{{.Size}}' "$IMAGE")
  IMAGE_MB=$(( (bytes + 500000) / 1000000 ))
  user=$($ENGINE image inspect --format '{{.Config.User}}' "$IMAGE")
  [ "$user" = node ] || fail "$IMAGE runs as '$user', not node"
  # As root, so that find sees everything; no network.
  out=$($ENGINE run --rm --network none --no-healthcheck --user 0 --entrypoint sh "$IMAGE" -c '
    find / -xdev \( -name "cognito-local*" -o -path "*/node_modules/@cognito-bff" -o -path "*/node_modules/tsx" -o -path "*/node_modules/typescript" \
      -o -path "*/node_modules/aws-sdk" -o -path "*/node_modules/.bin/tsc" -o -path "*/node_modules/.bin/tsx" \) -print
    [ ! -e /app/src ] || echo /app/src
    echo "-- $(du -sm /app/node_modules | cut -f1) $(node -p "Object.keys(require(\"/app/node_modules/.package-lock.json\").packages).filter(k => k.startsWith(\"node_modules/\")).length") $(node --version)"
  ' 2>"$WORK/run.err") || { cat "$WORK/run.err" >&2; fail "could not look inside $IMAGE"; }
  local unwanted; unwanted=$(sed '/^-- /d' <<<"$out")
  [ -z "$unwanted" ] || fail "$IMAGE holds what production must not: $(tr '\n' ' ' <<<"$unwanted")"
  read -r NM_MB NM_PACKAGES NODE_VERSION < <(sed -n 's/^-- //p' <<<"$out")
  # The runtime the service ships on (package.json engines >=22; the image is 24).
  [[ "$NODE_VERSION" == v24.* ]] || fail "$IMAGE runs Node $NODE_VERSION, not 24"
  log "ok  $IMAGE: no local Cognito package, cognito-local, tsx, typescript, aws-sdk (v2) or src/; runs as node on Node $NODE_VERSION"
  log "image $IMAGE_MB MB; node_modules $NM_MB MB, $NM_PACKAGES packages (installed copies, nested ones included)"
}

# The code Cognito would have e-mailed, from the emulator's log ("[local cognito] SignUp code for <user> (...): <code>").
signup_code() {
  local id code deadline=$(( $(date +%s) + 10 ))
  id=$(container_of cognito)
  while :; do
    code=$($ENGINE logs "$id" 2>&1 | sed -n "s/^.*\\[local cognito\\] SignUp code for $1 (.*): \\([^ ]*\\)\$/\\1/p" | tail -1)
    if [ -n "$code" ]; then echo "$code"; return 0; fi
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 0.3
  done
}

# signup_flow SIGN_UP_BASE OTHER_BASE: a fresh user signs up on one, confirms and signs in on the other.
signup_flow() {
  local one=$1 other=$2 user pass code access
  user="smoke_$(date +%s)_$RANDOM"
  pass="Sm0ke!pw-$RANDOM$RANDOM"
  expect 201 "POST $one/auth/signup (fresh user $user)" "$one/auth/signup" "${JSON[@]}" \
    -d "{\"username\":\"$user\",\"password\":\"$pass\",\"email\":\"$user@example.com\"}"
  grep -q '"confirmed":false' "$WORK/body" || fail "sign-up answered confirmed: $(head -c 300 "$WORK/body")"
  code=$(signup_code "$user") || fail "no sign-up code for $user in the emulator's log"
  log "ok  sign-up code for $user read from the emulator's log"
  expect 200 "POST $other/auth/signup/confirm" "$other/auth/signup/confirm" "${JSON[@]}" -d "{\"username\":\"$user\",\"code\":\"$code\"}"
  grep -q '"status":"confirmed"' "$WORK/body" || fail "not confirmed: $(head -c 300 "$WORK/body")"
  expect 200 "POST $other/auth/login ($user, tokens in the body)" "$other/auth/login" "${JSON[@]}" \
    -d "{\"username\":\"$user\",\"password\":\"$pass\",\"tokenDelivery\":\"body\"}"
  access=$(field accessToken)
  [ -n "$access" ] || fail "no accessToken in the login answer: $(head -c 300 "$WORK/body")"
  expect 200 "GET $one/me ($user)" "$one/me" -H "authorization: Bearer $access"
  grep -q "\"username\":\"$user\"" "$WORK/body" || fail "/me is not $user's: $(head -c 300 "$WORK/body")"
}

# logout_across ONE OTHER: a session started on one, served by the other, logged out on one, refused by the other.
logout_across() {
  local one=$1 other=$2 access refresh
  expect 200 "POST $one/auth/login (demo, tokens in the body)" "$one/auth/login" "${JSON[@]}" -d "$DEMO"
  access=$(field accessToken); refresh=$(field refreshToken)
  [ -n "$access" ] && [ -n "$refresh" ] || fail "no tokens in the login answer"
  expect 200 "GET $other/me with that token" "$other/me" -H "authorization: Bearer $access"
  expect 204 "POST $one/auth/logout (token and refresh token)" "$one/auth/logout" -H "authorization: Bearer $access" \
    "${JSON[@]}" -d "{\"refreshToken\":\"$refresh\"}"
  expect 401 "GET $other/me with the logged-out access token" "$other/me" -H "authorization: Bearer $access"
  expect 401 "POST $other/auth/refresh with the revoked refresh token" "$other/auth/refresh" "${JSON[@]}" \
    -d "{\"refreshToken\":\"$refresh\",\"tokenDelivery\":\"body\"}"

  # The same with a browser's cookies (cookies are per host, not port: the jar goes to both replicas).
  expect 200 "POST $one/auth/login (demo, cookies)" "$one/auth/login" -c "$WORK/jar-logout" "${JSON[@]}" \
    -d '{"username":"demo","password":"Passw0rd!demo"}'
  cp "$WORK/jar-logout" "$WORK/jar-before-logout"
  expect 200 "GET $other/me with those cookies" "$other/me" -b "$WORK/jar-logout"
  expect 204 "POST $one/auth/logout (cookies)" "$one/auth/logout" -b "$WORK/jar-logout" -c "$WORK/jar-logout" "${JSON[@]}" -d '{}'
  expect 401 "GET $other/me with the cookies from before the logout" "$other/me" -b "$WORK/jar-before-logout"
  expect 401 "POST $other/auth/refresh with the refresh cookie from before the logout" "$other/auth/refresh" \
    -b "$WORK/jar-before-logout" "${JSON[@]}" -d '{}'
}

run_stack() { # run_stack single|replicas
  local variant=$1 up=(up -d)
  FILES=(-f docker-compose.yml)
  local services=(cognito redis bff) bases=("$A") ports=("$BFF_HOST_PORT" "$COGNITO_HOST_PORT")
  if [ "$variant" = replicas ]; then
    FILES+=(-f docker-compose.replicas.yml)
    services+=(bff-2); bases+=("$B"); ports+=("$BFF_2_HOST_PORT")
  else
    up+=(--build) # the README's command: proves the compose file's build sections (all cached by now)
  fi
  log "== $variant: $COMPOSE -p $PROJECT ${FILES[*]} ${up[*]}"
  down || true
  for port in "${ports[@]}"; do
    port_in_use "$port" && fail "127.0.0.1:$port is taken (set BFF_HOST_PORT, BFF_2_HOST_PORT or COGNITO_HOST_PORT)"
  done

  local t1 t2
  t1=$(now_ms)
  compose "${up[@]}" >"$WORK/up.log" 2>&1 || { tail -40 "$WORK/up.log" >&2; fail "${up[*]}"; }
  local deadline=$(( $(date +%s) + READY_TIMEOUT )) waiting
  while :; do
    waiting=()
    for service in "${services[@]}"; do healthy "$service" || waiting+=("$service"); done
    [ ${#waiting[@]} -eq 0 ] && break
    [ "$(date +%s)" -lt "$deadline" ] || fail "not healthy after ${READY_TIMEOUT} s: ${waiting[*]}"
    sleep 0.5
  done
  t2=$(now_ms)
  log "every service healthy $(seconds $(( t2 - t1 ))) s after ${up[*]} (${services[*]})"

  for base in "${bases[@]}"; do
    expect 200 "GET $base/readyz" "$base/readyz"
    expect 200 "POST $base/auth/login (demo, tokens in the body)" "$base/auth/login" "${JSON[@]}" -d "$DEMO"
    local access; access=$(field accessToken)
    [ -n "$access" ] || fail "no accessToken in the login answer"
    expect 200 "GET $base/me (Bearer)" "$base/me" -H "authorization: Bearer $access"
    grep -q '"username":"demo"' "$WORK/body" || fail "/me is not the demo user's: $(head -c 300 "$WORK/body")"
    expect 401 "GET $base/me (no token)" "$base/me"
  done
  # Cookies: a browser's session.
  expect 200 "POST $A/auth/login (cookies)" "$A/auth/login" -c "$WORK/jar" "${JSON[@]}" \
    -d '{"username":"demo","password":"Passw0rd!demo"}'
  expect 200 "GET $A/me (cookies)" "$A/me" -b "$WORK/jar"

  if [ "$variant" = single ]; then
    signup_flow "$A" "$A"
  else
    signup_flow "$A" "$B"
    expect 200 "POST $A/auth/login (replica 1)" "$A/auth/login" "${JSON[@]}" -d "$DEMO"
    local access1 refresh1; access1=$(field accessToken); refresh1=$(field refreshToken)
    expect 200 "GET $B/me with replica 1's token (replica 2)" "$B/me" -H "authorization: Bearer $access1"
    expect 200 "POST $B/auth/refresh with replica 1's refresh token (replica 2)" "$B/auth/refresh" \
      "${JSON[@]}" -d "{\"refreshToken\":\"$refresh1\"}"
    expect 200 "POST $B/auth/login (replica 2)" "$B/auth/login" "${JSON[@]}" -d "$DEMO"
    local access2; access2=$(field accessToken)
    expect 200 "GET $A/me with replica 2's token (replica 1)" "$A/me" -H "authorization: Bearer $access2"
    expect 200 "GET $B/me with replica 1's cookies (replica 2)" "$B/me" -b "$WORK/jar"
    # Shared state: a logout on one replica is honoured by the other (the revocation is in Redis;
    # /tokens/verify asks no Cognito, only the token and the store).
    expect 200 "POST $A/tokens/verify replica 2's token (replica 1)" "$A/tokens/verify" "${JSON[@]}" -d "{\"token\":\"$access2\"}"
    logout_across "$B" "$A"
    logout_across "$A" "$B"
    expect 204 "POST $B/auth/logout replica 2's first token" "$B/auth/logout" -H "authorization: Bearer $access2" "${JSON[@]}" -d '{}'
    expect 401 "POST $A/tokens/verify the logged-out token (replica 1)" "$A/tokens/verify" "${JSON[@]}" -d "{\"token\":\"$access2\"}"
    grep -q '"reason":"revoked"' "$WORK/body" || fail "not refused as revoked: $(head -c 300 "$WORK/body")"
  fi

  if [ "${KEEP:-0}" != 1 ]; then
    # SIGTERM: the service finishes and exits at once (close-with-grace); it must take under 2 s.
    local id s e code; id=$(container_of bff); s=$(now_ms)
    $ENGINE stop -t 10 "$id" >/dev/null 2>&1 || fail "$ENGINE stop bff"
    e=$(now_ms)
    code=$($ENGINE inspect -f '{{.State.ExitCode}}' "$id")
    { [ $(( e - s )) -lt 2000 ] && [ "$code" = 0 ]; } || fail "bff stop on SIGTERM took $(( e - s )) ms (limit 2000), exit code $code"
    STOP_MS+=($(( e - s )))
    log "ok  bff stopped on SIGTERM in $(( e - s )) ms, exit code $code"
    down || fail "down"
    FILES=()
  fi
  log "== $variant: passed"
}

build_images
check_image
case "$MODE" in
  single|replicas) run_stack "$MODE" ;;
  all) run_stack single; [ "${KEEP:-0}" = 1 ] || run_stack replicas ;;
esac
stop_max=0
for ms in "${STOP_MS[@]}"; do [ "$ms" -gt "$stop_max" ] && stop_max=$ms; done
elapsed=$(( $(now_ms) - started ))
log "all checks passed"
log "summary: image $IMAGE_MB MB (Node $NODE_VERSION), node_modules $NM_MB MB in $NM_PACKAGES packages, stop on SIGTERM $(seconds "$stop_max" 2) s (slowest of ${#STOP_MS[@]}), $(seconds "$elapsed") s in all"
if [ -n "${SMOKE_SUMMARY:-}" ]; then
  printf 'image_mb=%s\nnode_modules_mb=%s\npackages=%s\nstop_ms=%s\nduration_ms=%s\nnode_version=%s\n' \
    "$IMAGE_MB" "$NM_MB" "$NM_PACKAGES" "$stop_max" "$elapsed" "$NODE_VERSION" >"$SMOKE_SUMMARY"
fi
