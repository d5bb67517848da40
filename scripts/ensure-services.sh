#!/usr/bin/env bash
# Makes sure the services the test suite talks to answer on 127.0.0.1: PostgreSQL on 5432 (trust
# auth, user postgres) and nats-server on 4222. Installs them from Debian when missing (needs root
# and apt), starts them when down. Idempotent and quick when both already answer.
set -uo pipefail
log() { echo "[services] $*"; }
pg_up() { pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; }
nats_up() { (exec 3<>/dev/tcp/127.0.0.1/4222) 2>/dev/null; }
pg_up && nats_up && exit 0

apt_updated=0
apt_install() {
  if [ "$(id -u)" != 0 ]; then log "cannot install $* without root"; return 1; fi
  if [ "$apt_updated" = 0 ]; then apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

if ! pg_up; then
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then log "installing postgresql"; apt_install postgresql; fi
  ver=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -1)
  if [ -n "$ver" ]; then
    hba=/etc/postgresql/$ver/main/pg_hba.conf
    # Tests connect as postgres over TCP without a password (as on the development machines).
    if [ -f "$hba" ] && ! grep -q "^host all all 127.0.0.1/32 trust" "$hba"; then
      sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
    fi
    log "starting postgresql $ver"
    pg_ctlcluster --skip-systemctl-redirect "$ver" main start 2>/dev/null || pg_ctlcluster --skip-systemctl-redirect "$ver" main reload
  fi
  for _ in $(seq 1 30); do pg_up && break; sleep 1; done
fi
pg_up && log "postgresql answers" || log "WARNING: postgresql does not answer on 127.0.0.1:5432"

if ! nats_up; then
  bin=$(command -v nats-server || echo /usr/sbin/nats-server)
  if [ ! -x "$bin" ]; then log "installing nats-server"; apt_install nats-server; bin=$(command -v nats-server || echo /usr/sbin/nats-server); fi
  mkdir -p /var/lib/nats-server
  log "starting nats-server"
  start-stop-daemon --start --oknodo --background --exec "$bin" -- \
    -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log
  for _ in $(seq 1 30); do nats_up && break; sleep 1; done
fi
nats_up && log "nats-server answers" || log "WARNING: nats-server does not answer on 127.0.0.1:4222"
exit 0
