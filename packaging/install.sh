#!/bin/sh
# Install (or upgrade, or remove) the Orchestrator server as a systemd service on Linux.
# Run as root from the unpacked distribution archive:
#   sudo ./install.sh [--prefix DIR] [--no-start]   install, or upgrade in place
#   sudo ./install.sh --uninstall [--purge]         remove; --purge also deletes data and config
# It creates the system user `orchestrator`, /etc/orchestrator (configuration),
# /var/lib/orchestrator (data) and /var/log/orchestrator (logs), installs both binaries in
# PREFIX/bin (default /usr/local/bin) and the unit /etc/systemd/system/orchestrator.service.
# An existing configuration file is kept; the new default is written beside it as .new.
set -eu

PREFIX=/usr/local
SERVICE_USER=orchestrator
CONF_DIR=/etc/orchestrator
DATA_DIR=/var/lib/orchestrator
LOG_DIR=/var/log/orchestrator
UNIT=/etc/systemd/system/orchestrator.service
HERE=$(cd "$(dirname "$0")" && pwd)
ACTION=install
PURGE=no
START=yes

usage() {
    sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
}

die() {
    echo "install.sh: $*" >&2
    exit 1
}

while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) [ $# -ge 2 ] || usage; PREFIX=$2; shift ;;
        --no-start) START=no ;;
        --uninstall) ACTION=uninstall ;;
        --purge) PURGE=yes ;;
        -h|--help) usage ;;
        *) echo "install.sh: unknown option $1" >&2; usage ;;
    esac
    shift
done

[ "$(id -u)" -eq 0 ] || die "run it as root (sudo $0)"
command -v systemctl >/dev/null 2>&1 || die "systemd (systemctl) is required"

as_service_user() {
    if command -v runuser >/dev/null 2>&1; then
        runuser -u "$SERVICE_USER" -- "$@"
    else
        # shellcheck disable=SC2016 # expanded by the inner shell, from its own arguments
        su -s /bin/sh "$SERVICE_USER" -c '"$0" "$@"' "$@"
    fi
}

uninstall() {
    systemctl disable --now orchestrator.service 2>/dev/null || true
    rm -f "$UNIT"
    systemctl daemon-reload
    rm -f "$PREFIX/bin/orchestrator-server" "$PREFIX/bin/orchestrator-cli"
    rm -rf "$PREFIX/share/doc/orchestrator"
    if [ "$PURGE" = yes ]; then
        rm -rf "$CONF_DIR" "$DATA_DIR" "$LOG_DIR"
        if id "$SERVICE_USER" >/dev/null 2>&1; then userdel "$SERVICE_USER"; fi
        echo "Orchestrator removed, with its configuration, data and logs."
    else
        echo "Orchestrator removed. Kept: $CONF_DIR, $DATA_DIR, $LOG_DIR and the user" \
            "$SERVICE_USER (--purge deletes them)."
    fi
}

# The shipped configuration with the service's paths filled in.
service_config() {
    sed -e "s#^  data_dir: .*#  data_dir: \"$DATA_DIR\"#" \
        -e "s#^  dir: \"\"#  dir: \"$LOG_DIR\"#" "$HERE/conf/orchestrator.yaml"
}

install_files() {
    for file in bin/orchestrator-server bin/orchestrator-cli conf/orchestrator.yaml \
        service/orchestrator.service; do
        [ -f "$HERE/$file" ] || die "$HERE/$file is missing: run me from the unpacked archive"
    done
    if ! id "$SERVICE_USER" >/dev/null 2>&1; then
        nologin=$(command -v nologin || echo /bin/false)
        useradd --system --user-group --home-dir "$DATA_DIR" --no-create-home \
            --shell "$nologin" --comment "Orchestrator server" "$SERVICE_USER"
    fi
    install -d -m 0750 -o root -g "$SERVICE_USER" "$CONF_DIR"
    install -d -m 0750 -o "$SERVICE_USER" -g "$SERVICE_USER" "$DATA_DIR" "$LOG_DIR"
    if systemctl is-active --quiet orchestrator.service; then
        echo "Stopping the running server for the upgrade..."
        systemctl stop orchestrator.service
    fi
    install -d "$PREFIX/bin" "$PREFIX/share/doc/orchestrator"
    install -m 0755 "$HERE/bin/orchestrator-server" "$HERE/bin/orchestrator-cli" "$PREFIX/bin/"
    for doc in README.md LICENSE CHANGELOG.md DEPLOYMENT.md; do
        if [ -f "$HERE/$doc" ]; then install -m 0644 "$HERE/$doc" "$PREFIX/share/doc/orchestrator/"; fi
    done
    config="$CONF_DIR/orchestrator.yaml"
    if [ -f "$config" ]; then
        service_config > "$config.new"
        echo "Kept $config; the new release's default is in $config.new."
    else
        service_config > "$config"
    fi
    chown root:"$SERVICE_USER" "$config"*
    chmod 0640 "$config"*
    sed "s#/usr/local/bin/#$PREFIX/bin/#" "$HERE/service/orchestrator.service" > "$UNIT"
    chmod 0644 "$UNIT"
    systemctl daemon-reload
}

install_all() {
    install_files
    "$PREFIX/bin/orchestrator-server" --config "$CONF_DIR/orchestrator.yaml" check-config >/dev/null
    # Creates the store and the first admin now, so that their generated secrets are shown here
    # (once) rather than in the journal. ORCH_ADMIN_PASSWORD / ORCH_ADMIN_API_KEY choose them.
    (cd "$DATA_DIR" && as_service_user "$PREFIX/bin/orchestrator-server" \
        --config "$CONF_DIR/orchestrator.yaml" --silent init)
    systemctl enable orchestrator.service
    if [ "$START" = yes ]; then
        systemctl start orchestrator.service
        echo "Orchestrator is running: systemctl status orchestrator; journalctl -u orchestrator"
    else
        echo "Installed; start it with: systemctl start orchestrator"
    fi
}

if [ "$ACTION" = uninstall ]; then uninstall; else install_all; fi
