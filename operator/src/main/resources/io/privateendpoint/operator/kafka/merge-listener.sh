#!/bin/sh
# Merges one KafkaPrivateEndpoint listener into a Kafka broker's properties file. It runs as an
# init container the operator adds to a plain StatefulSet, after the chart's own init steps, and
# the project's tests run this same file on real brokers' configs.
#
# Environment:
#   KPE_ENTRY_DIR       the operator's ConfigMap, mounted: one broker-<node id>.properties per broker
#   KPE_CONFIG          the broker's properties file, as the Kafka container will read it
#   KPE_NODE_ID_OFFSET  node.id = pod ordinal (from HOSTNAME, <statefulset>-<ordinal>) + this
#   KPE_WAIT_SECONDS    how long to wait for this broker's entry (a new broker's appears once the
#                       operator has seen its pod scheduled); default 300
#
# Each entry holds listeners=, advertised.listeners= and listener.security.protocol.map= with this
# endpoint's one item each. The item with the same listener name is replaced, others are kept, so
# running the script twice gives the same file. Kafka 4 reads advertised.listeners only at start
# (KAFKA-18405): a change reaches a broker by restarting it, which the StatefulSet does one pod at
# a time when the operator changes its config-hash annotation.
set -eu

ordinal="${HOSTNAME##*-}"
case "$ordinal" in
  ''|*[!0-9]*) echo "kpe: cannot read the pod ordinal from HOSTNAME=$HOSTNAME" >&2; exit 1 ;;
esac
node_id=$((ordinal + ${KPE_NODE_ID_OFFSET:-0}))
entry="$KPE_ENTRY_DIR/broker-$node_id.properties"

waited=0
while [ ! -f "$entry" ]; do
  if [ "$waited" -ge "${KPE_WAIT_SECONDS:-300}" ]; then
    echo "kpe: no listener entry for node $node_id in $KPE_ENTRY_DIR after ${waited}s" >&2
    exit 1
  fi
  sleep 2
  waited=$((waited + 2))
done
[ -f "$KPE_CONFIG" ] || { echo "kpe: broker properties $KPE_CONFIG not found" >&2; exit 1; }

awk -v entryfile="$entry" '
  function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); return s }
  # the listener name of one list item: NAME://host:port or NAME:PROTOCOL
  function item_name(item,   p) {
    p = index(item, "://"); if (p == 0) p = index(item, ":")
    return toupper(trim(substr(item, 1, p - 1)))
  }
  function merged(current, ours,   n, parts, i, out) {
    out = ""
    n = split(current, parts, ",")
    for (i = 1; i <= n; i++) {
      if (trim(parts[i]) == "" || item_name(parts[i]) == owned) continue
      out = out (out == "" ? "" : ",") trim(parts[i])
    }
    return out (out == "" ? "" : ",") ours
  }
  BEGIN {
    while ((getline line < entryfile) > 0) {
      if (line ~ /^[a-z.]+=/) {
        key = substr(line, 1, index(line, "=") - 1)
        want[key] = substr(line, index(line, "=") + 1)
      }
    }
    if (!("listeners" in want) || !("advertised.listeners" in want) || !("listener.security.protocol.map" in want)) {
      print "kpe: " entryfile " lacks listeners, advertised.listeners or listener.security.protocol.map" > "/dev/stderr"
      exit 2
    }
    owned = item_name(want["listeners"])
  }
  {
    if (match($0, /^[ \t]*[A-Za-z0-9._-]+[ \t]*[=:]/)) {
      key = trim(substr($0, 1, RLENGTH - 1))
      if (key in want) {
        value = substr($0, RLENGTH + 1)
        print key "=" merged(trim(value), want[key])
        seen[key] = 1
        next
      }
    }
    print
  }
  END {
    if (!("listeners" in seen) || !("advertised.listeners" in seen)) {
      print "kpe: the broker properties set no listeners or advertised.listeners; set both explicitly" > "/dev/stderr"
      exit 3
    }
    # Kafka maps the four protocol-named listeners by default; keep that when the file relies on it.
    if (!("listener.security.protocol.map" in seen)) {
      print "listener.security.protocol.map=" merged("PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL", want["listener.security.protocol.map"])
    }
  }
' "$KPE_CONFIG" > "$KPE_CONFIG.kpe-tmp"
mv "$KPE_CONFIG.kpe-tmp" "$KPE_CONFIG"
echo "kpe: broker $node_id: $(grep '^advertised.listeners=' "$KPE_CONFIG")"
