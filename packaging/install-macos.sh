#!/bin/sh
# Install (or upgrade, or remove) the Orchestrator server as a launchd daemon on macOS.
# Run as root from the unpacked distribution archive:
#   sudo ./install.sh [--no-start]          install, or upgrade in place
#   sudo ./install.sh --uninstall [--purge] remove; --purge also deletes data, config and user
# It creates the hidden system user `_orchestrator`, /usr/local/etc/orchestrator (configuration),
# /usr/local/var/lib/orchestrator (data), /usr/local/var/log/orchestrator (logs), installs both
# binaries in /usr/local/bin and /Library/LaunchDaemons/com.orchestrator.server.plist.
# An existing configuration file is kept; the new default is written beside it as .new.
set -eu

LABEL=com.orchestrator.server
SERVICE_USER=_orchestrator
BIN_DIR=/usr/local/bin
CONF_DIR=/usr/local/etc/orchestrator
DATA_DIR=/usr/local/var/lib/orchestrator
LOG_DIR=/usr/local/var/log/orchestrator
DOC_DIR=/usr/local/share/doc/orchestrator
PLIST=/Library/LaunchDaemons/$LABEL.plist
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
        --no-start) START=no ;;
        --uninstall) ACTION=uninstall ;;
        --purge) PURGE=yes ;;
        -h|--help) usage ;;
        *) echo "install.sh: unknown option $1" >&2; usage ;;
    esac
    shift
done

[ "$(id -u)" -eq 0 ] || die "run it as root (sudo $0)"
[ "$(uname -s)" = Darwin ] || die "this script is for macOS; use the Linux archive's install.sh"

stop_daemon() {
    # bootout waits for the server to exit, which includes its shutdown grace.
    launchctl bootout "system/$LABEL" 2>/dev/null || true
}

# A free ID below 500, where macOS keeps its hidden service accounts.
free_id() {
    taken=$( (dscl . -list /Users UniqueID; dscl . -list /Groups PrimaryGroupID) | awk '{print $2}')
    id=300
    while echo "$taken" | grep -qx "$id"; do id=$((id + 1)); done
    [ "$id" -lt 500 ] || die "no free user ID below 500"
    echo "$id"
}

create_user() {
    if dscl . -read "/Users/$SERVICE_USER" >/dev/null 2>&1; then return; fi
    id=$(free_id)
    dscl . -create "/Groups/$SERVICE_USER" PrimaryGroupID "$id"
    dscl . -create "/Groups/$SERVICE_USER" RealName "Orchestrator server"
    dscl . -create "/Users/$SERVICE_USER" UniqueID "$id"
    dscl . -create "/Users/$SERVICE_USER" PrimaryGroupID "$id"
    dscl . -create "/Users/$SERVICE_USER" UserShell /usr/bin/false
    dscl . -create "/Users/$SERVICE_USER" NFSHomeDirectory "$DATA_DIR"
    dscl . -create "/Users/$SERVICE_USER" RealName "Orchestrator server"
    dscl . -create "/Users/$SERVICE_USER" IsHidden 1
}

uninstall() {
    stop_daemon
    rm -f "$PLIST" "$BIN_DIR/orchestrator-server" "$BIN_DIR/orchestrator-cli"
    rm -rf "$DOC_DIR"
    if [ "$PURGE" = yes ]; then
        rm -rf "$CONF_DIR" "$DATA_DIR" "$LOG_DIR"
        dscl . -delete "/Users/$SERVICE_USER" 2>/dev/null || true
        dscl . -delete "/Groups/$SERVICE_USER" 2>/dev/null || true
        echo "Orchestrator removed, with its configuration, data, logs and user."
    else
        echo "Orchestrator removed. Kept: $CONF_DIR, $DATA_DIR, $LOG_DIR and the user" \
            "$SERVICE_USER (--purge deletes them)."
    fi
}

service_config() {
    sed -e "s#^  data_dir: .*#  data_dir: \"$DATA_DIR\"#" \
        -e "s#^  dir: \"\"#  dir: \"$LOG_DIR\"#" "$HERE/conf/orchestrator.yaml"
}

install_all() {
    for file in bin/orchestrator-server bin/orchestrator-cli conf/orchestrator.yaml \
        "service/$LABEL.plist"; do
        [ -f "$HERE/$file" ] || die "$HERE/$file is missing: run me from the unpacked archive"
    done
    create_user
    install -d -m 0750 -o root -g "$SERVICE_USER" "$CONF_DIR"
    install -d -m 0750 -o "$SERVICE_USER" -g "$SERVICE_USER" "$DATA_DIR" "$LOG_DIR"
    stop_daemon
    install -d "$BIN_DIR" "$DOC_DIR"
    install -m 0755 "$HERE/bin/orchestrator-server" "$HERE/bin/orchestrator-cli" "$BIN_DIR/"
    # A downloaded archive is quarantined, and Gatekeeper would refuse the unsigned binaries.
    xattr -d com.apple.quarantine "$BIN_DIR/orchestrator-server" 2>/dev/null || true
    xattr -d com.apple.quarantine "$BIN_DIR/orchestrator-cli" 2>/dev/null || true
    for doc in README.md LICENSE CHANGELOG.md DEPLOYMENT.md; do
        if [ -f "$HERE/$doc" ]; then install -m 0644 "$HERE/$doc" "$DOC_DIR/"; fi
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
    install -m 0644 -o root -g wheel "$HERE/service/$LABEL.plist" "$PLIST"
    "$BIN_DIR/orchestrator-server" --config "$config" check-config >/dev/null
    # Creates the store and the first admin now, so that their generated secrets are shown here
    # (once). ORCH_ADMIN_PASSWORD / ORCH_ADMIN_API_KEY choose them instead.
    (cd "$DATA_DIR" && sudo -u "$SERVICE_USER" ORCH_ADMIN_PASSWORD="${ORCH_ADMIN_PASSWORD:-}" \
        ORCH_ADMIN_API_KEY="${ORCH_ADMIN_API_KEY:-}" \
        "$BIN_DIR/orchestrator-server" --config "$config" --silent init)
    if [ "$START" = yes ]; then
        launchctl bootstrap system "$PLIST"
        launchctl enable "system/$LABEL"
        echo "Orchestrator is running: sudo launchctl print system/$LABEL"
    else
        echo "Installed; start it with: sudo launchctl bootstrap system $PLIST"
    fi
}

if [ "$ACTION" = uninstall ]; then uninstall; else install_all; fi
