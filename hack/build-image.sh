#!/usr/bin/env bash
# Builds the operator's container image as a tarball, with no Docker engine and no base image to pull:
#   operator/target/kafka-private-endpoint-operator-image.tar   kafka-private-endpoint-operator:<version>
# (the project version without -SNAPSHOT), a docker-archive that is also an OCI image layout: load it with
# `docker load -i` / `podman load -i`, or push it with `crane push <tar> <registry>/<image>:<tag>` or
# `skopeo copy docker-archive:<tar> docker://<registry>/<image>:<tag>`.
#
# What goes in, all from Debian's packages (apt-get download, cached under ~/.cache/kpe/image):
#   - OpenJDK 21 from Debian 13 (trixie, with its security updates), cut down with its own jlink to the
#     modules jdeps finds in the jar plus those named in EXTRA_MODULES, at /opt/java;
#   - the C libraries that runtime needs (libc6, libgcc-s1, libstdc++6, zlib1g from the same release) and
#     the C.UTF-8 locale;
#   - the operator's shaded jar at /app, run as 65532:65532 by
#     ENTRYPOINT ["/opt/java/bin/java", <the flags of config/jvm/operator-flags>, "-jar", "/app/kafka-private-endpoint-operator.jar"];
#   - the proxy (proxy mode's Deployment runs this same image): /app/proxy/kpe-proxy.jar and its libraries
#     (Kroxylicious 0.12.0 and what it depends on) in /app/proxy/lib, run with the command
#     ["/opt/java/bin/java", "-XX:MaxRAMPercentage=75", "-cp", "/app/proxy/kpe-proxy.jar:/app/proxy/lib/*",
#      "io.privateendpoint.proxy.ProxyMain", "/config/proxy.yaml"]. The runtime holds the modules both need.
# The JDK's tools run from the unpacked packages through trixie's own dynamic loader, so neither root nor a
# JDK 21 on the machine is needed. hack/oci-image.py writes the layers and checks that every library of
# the image resolves inside it.
#
#   hack/build-image.sh [--jar <shaded jar>] [--proxy-dir <dir>] [--refresh] [--output <tar>]
#     --jar      use this jar and do not run Maven (default: build operator/target/… when sources are newer)
#     --proxy-dir the proxy module's build (kpe-proxy.jar, proxy-lib/); with --jar it must exist (default
#                proxy/target, built with the operator when its sources are newer)
#     --refresh  resolve the Debian packages again (security updates); otherwise the cached ones are used
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$KPE_ROOT"

IMAGE_NAME=kafka-private-endpoint-operator
JAR_NAME=kafka-private-endpoint-operator.jar
DEBIAN_SUITE=trixie
RUNTIME_PACKAGES=(libc6 libc-bin libgcc-s1 gcc-14-base libstdc++6 zlib1g) # libc-bin: only its C.UTF-8 locale
JDK_PACKAGES=(openjdk-21-jre-headless openjdk-21-jdk-headless)
# Not found by jdeps but used at run time: TLS with EC keys and curves (SunEC), the HTTP server for probes
# and metrics, container-aware MXBeans; jcmd/JFR for `kubectl exec <pod> -- /opt/java/bin/jcmd 1 ...`.
# The proxy: sun.misc.Unsafe for Netty's direct buffers (jdk.unsupported; jdeps finds it too), Kerberos
# for Kafka's SASL/GSSAPI to the upstream (jdk.security.jgss), DNS lookups by name service (jdk.naming.dns).
EXTRA_MODULES=jdk.crypto.ec,jdk.httpserver,java.management,jdk.management,jdk.zipfs,jdk.jcmd,jdk.jfr,jdk.management.jfr,jdk.unsupported,jdk.security.jgss,jdk.naming.dns
# java.desktop is in for java.beans (jdeps); its X11, font, sound, JPEG and colour-management libraries would need
# libraries the operator never loads, so they are left out rather than shipped half-linked.
EXCLUDE_FILES='**/libawt_xawt.so,**/libjawt.so,**/libsplashscreen.so,**/libjsound.so,**/libfontmanager.so,**/libjavajpeg.so,**/liblcms.so'
# The JVM flags, sized for a container from hack/bench.sh --scale, live in config/jvm/operator-flags (the e2e
# OperatorProcess runs the jar with the same file).
# Lines starting with '-' are flags, NAME=value lines the JVM's environment (in the image's Env).
mapfile -t JVM_SETTINGS < <(sed 's/#.*//; s/^[[:space:]]*//; s/[[:space:]]*$//; /^$/d' config/jvm/operator-flags)
JVM_FLAGS=() JVM_ENV=()
for setting in "${JVM_SETTINGS[@]}"; do
  if [[ "$setting" == -* ]]; then JVM_FLAGS+=("$setting"); else JVM_ENV+=(--env "$setting"); fi
done
ENTRYPOINT="$(python3 -c 'import json, sys; print(json.dumps(["/opt/java/bin/java", *sys.argv[2:], "-jar", sys.argv[1]]))' \
  "/app/$JAR_NAME" "${JVM_FLAGS[@]}")"

jar="" proxy_dir="" refresh=false output="operator/target/kafka-private-endpoint-operator-image.tar"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --jar) jar="$(realpath "$2")"; shift 2 ;;
    --proxy-dir) proxy_dir="$(realpath "$2")"; shift 2 ;;
    --refresh) refresh=true; shift ;;
    --output) output="$2"; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "error: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

start=$SECONDS
cache="${XDG_CACHE_HOME:-$HOME/.cache}/kpe/image"
mkdir -p "$cache"
step() { printf '%3ds  %s\n' $((SECONDS - start)) "$*"; }

version="$(python3 -c 'import sys, xml.etree.ElementTree as ET
print(ET.parse(sys.argv[1]).getroot().find("{http://maven.apache.org/POM/4.0.0}version").text)' pom.xml)"
tag="${version%-SNAPSHOT}"

# --- the jar -----------------------------------------------------------------------------------------------
if [[ -z "$jar" ]]; then
  jar="$KPE_ROOT/operator/target/$JAR_NAME"
  proxy_dir="${proxy_dir:-$KPE_ROOT/proxy/target}"
  if [[ ! -f "$jar" || -n "$(find pom.xml operator/pom.xml operator/src -newer "$jar" -print -quit)" \
        || ! -f "$proxy_dir/kpe-proxy.jar" || -n "$(find proxy/pom.xml proxy/src -newer "$proxy_dir/kpe-proxy.jar" -print -quit)" ]]; then
    step "building $JAR_NAME and kpe-proxy.jar"
    kpe_setup
    mvn -B -q -pl operator,proxy -am package -DskipTests
  fi
fi
proxy_dir="${proxy_dir:-$KPE_ROOT/proxy/target}"
[[ -f "$jar" ]] || { echo "error: $jar does not exist" >&2; exit 1; }
[[ -f "$proxy_dir/kpe-proxy.jar" && -d "$proxy_dir/proxy-lib" ]] \
  || { echo "error: $proxy_dir has no kpe-proxy.jar and proxy-lib/ (mvn -pl proxy package)" >&2; exit 1; }
proxy_jars=("$proxy_dir/kpe-proxy.jar" "$proxy_dir"/proxy-lib/*.jar)

# --- Debian packages ---------------------------------------------------------------------------------------
# A private apt configuration for trixie, beside the machine's own: nothing of the machine's apt is changed.
apt_dir="$cache/apt-$DEBIAN_SUITE"
apt_opts=(
  -o "Dir::Etc::SourceList=$apt_dir/sources.list" -o Dir::Etc::SourceParts=/dev/null
  -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::State::Status=$apt_dir/status" -o "Dir::Cache=$apt_dir/cache"
  -o Dir::Etc::Preferences=/dev/null -o Dir::Etc::PreferencesParts=/dev/null
  -o APT::Architecture=amd64 -o APT::Architectures::=amd64 -o APT::Sandbox::User="$(id -un)"
  -o Debug::NoLocking=true -q
)
debs_dir="$cache/debs"
deb_list="$debs_dir/selected-$DEBIAN_SUITE.txt"
packages=("${RUNTIME_PACKAGES[@]}" "${JDK_PACKAGES[@]}")
have_debs() { [[ -f "$deb_list" ]] && while read -r f; do [[ -f "$debs_dir/$f" ]] || return 1; done < "$deb_list"; }
if $refresh || ! have_debs || [[ "$(wc -l < "$deb_list")" -ne ${#packages[@]} ]]; then
  step "resolving Debian $DEBIAN_SUITE packages: ${packages[*]}"
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$debs_dir"
  keyring=/usr/share/keyrings/debian-archive-keyring.gpg
  [[ -f "$keyring" ]] || { echo "error: $keyring is missing (apt-get install debian-archive-keyring)" >&2; exit 1; }
  cat > "$apt_dir/sources.list" <<EOF
deb [signed-by=$keyring] http://deb.debian.org/debian $DEBIAN_SUITE main
deb [signed-by=$keyring] http://deb.debian.org/debian $DEBIAN_SUITE-updates main
deb [signed-by=$keyring] http://deb.debian.org/debian-security $DEBIAN_SUITE-security main
EOF
  touch "$apt_dir/status"
  apt-get "${apt_opts[@]}" update >/dev/null
  # One line per package: 'URI' file size checksum; apt-get download checks the checksum.
  apt-get "${apt_opts[@]}" download --print-uris "${packages[@]}" | awk '{print $2}' > "$deb_list.new"
  [[ "$(wc -l < "$deb_list.new")" -eq ${#packages[@]} ]] || { echo "error: not every package resolved" >&2; exit 1; }
  missing=()
  while read -r f; do [[ -f "$debs_dir/$f" ]] || missing+=("$f"); done < "$deb_list.new"
  if [[ ${#missing[@]} -gt 0 ]]; then
    step "downloading ${#missing[@]} packages"
    (cd "$debs_dir" && apt-get "${apt_opts[@]}" download "${packages[@]}" 2>&1 | grep -v '^W: Download is performed unsandboxed' || true)
  fi
  mv "$deb_list.new" "$deb_list"
  have_debs || { echo "error: apt-get download did not deliver every package" >&2; exit 1; }
fi
deb_key="$(sha256sum < "$deb_list" | cut -c1-16)"
deb_of() { grep "^$1_" "$deb_list" | sed "s|^|$debs_dir/|"; }

# Every package unpacked into one tree, its absolute symlinks made relative so it works where it lies.
# The JDK's tools run from it through trixie's dynamic loader.
unpack() { # $1 = directory, rest = packages
  local dir="$1"; shift
  [[ -d "$dir" ]] && return 0
  rm -rf "$dir.part" && mkdir -p "$dir.part"
  local p; for p in "$@"; do dpkg-deb -x "$(deb_of "$p")" "$dir.part"; done
  python3 - "$dir.part" <<'EOF'
import os, sys
root = sys.argv[1]
for dirpath, dirnames, filenames in os.walk(root):
    for name in dirnames + filenames:
        path = os.path.join(dirpath, name)
        if os.path.islink(path) and os.readlink(path).startswith("/"):
            target = os.path.join(root, os.readlink(path).lstrip("/"))
            os.remove(path)
            os.symlink(os.path.relpath(target, dirpath), path)
EOF
  mv "$dir.part" "$dir"
}
find "$cache" -maxdepth 1 \( -name 'sysroot-*' -o -name 'libs-*' -o -name 'jre-*' \) ! -name "*$deb_key*" -exec rm -rf {} +
sysroot="$cache/sysroot-$deb_key"
libs="$cache/libs-$deb_key"
if [[ ! -d "$sysroot" ]]; then step "unpacking the Debian packages"; fi
unpack "$sysroot" "${packages[@]}"
if [[ ! -d "$libs" ]]; then
  unpack "$libs" "${RUNTIME_PACKAGES[@]}"
  # What the packages are, where image scanners look for it (as distroless images record it).
  mkdir -p "$libs/var/lib/dpkg/status.d"
  for p in "${RUNTIME_PACKAGES[@]}"; do
    dpkg-deb -f "$(deb_of "$p")" Package Source Version Architecture Maintainer Homepage Description \
      > "$libs/var/lib/dpkg/status.d/$p"
  done
fi

loader="$sysroot/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"
jdk="$sysroot/usr/lib/jvm/java-21-openjdk-amd64"
jdk_tool() { # $1 = tool, rest = arguments: a JDK 21 tool from the unpacked packages
  local tool="$1"; shift
  "$loader" --library-path "$sysroot/usr/lib/x86_64-linux-gnu" "$jdk/bin/$tool" "$@"
}
java_version="$(jdk_tool java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.runtime.version = //p')"

# --- the runtime -------------------------------------------------------------------------------------------
jar_sum="$(cat "$jar" "${proxy_jars[@]}" | sha256sum | cut -c1-64)"
modules_cache="$cache/modules-$deb_key-$jar_sum.txt"
if [[ ! -f "$modules_cache" ]]; then
  step "jdeps: modules the operator's and the proxy's jars use"
  find "$cache" -maxdepth 1 -name 'modules-*.txt' -delete
  { jdk_tool jdeps --print-module-deps --ignore-missing-deps --multi-release 21 "$jar" | tail -1
    # The proxy's jars (Kroxylicious, Netty, kafka-clients 4.0…): java.rmi, java.scripting and
    # java.security.sasl (Kafka's SASL clients) come from here.
    jdk_tool jdeps --print-module-deps --ignore-missing-deps --multi-release 21 "${proxy_jars[@]}" 2>/dev/null | tail -1
  } | tr ',' '\n' | sort -u | paste -sd, - > "$modules_cache"
fi
modules="$(tr ',' '\n' < "$modules_cache" | cat - <(tr ',' '\n' <<< "$EXTRA_MODULES") | sort -u | paste -sd, -)"
jre="$cache/jre-$deb_key-$(sha256sum <<< "$modules $EXCLUDE_FILES" | cut -c1-16)"
if [[ ! -d "$jre" ]]; then
  step "jlink: $modules"
  find "$cache" -maxdepth 1 -name 'jre-*' -exec rm -rf {} +
  # --strip-java-debug-attributes, not --strip-debug: Debian's libraries are stripped already, and the
  # native half of --strip-debug would run objcopy.
  jdk_tool jlink --add-modules "$modules" --strip-java-debug-attributes --no-header-files --no-man-pages \
    --compress=zip-6 --exclude-files="$EXCLUDE_FILES" --output "$jre.part"
  mv "$jre.part" "$jre"
fi

# --- the image ---------------------------------------------------------------------------------------------
step "writing $output"
created="${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 0)}"
revision="$(git rev-parse HEAD 2>/dev/null || echo unknown)"
debian_packages="$(sed 's/_amd64\.deb$//; s/_all\.deb$//; s/%3a/:/g; s/_/=/' "$deb_list" | paste -sd' ' -)"
python3 hack/oci-image.py \
  --libs-root "$libs" --java-home "$jre" --jar "$jar" --proxy-dir "$proxy_dir" \
  --name "$IMAGE_NAME" --tag "$tag" --created "$created" --entrypoint "$ENTRYPOINT" \
  --env PATH=/opt/java/bin:/usr/local/bin:/usr/bin:/bin --env JAVA_HOME=/opt/java --env LANG=C.UTF-8 "${JVM_ENV[@]}" \
  --label "org.opencontainers.image.title=$IMAGE_NAME" \
  --label "org.opencontainers.image.description=Kafka private endpoint operator" \
  --label "org.opencontainers.image.version=$tag" \
  --label "org.opencontainers.image.revision=$revision" \
  --label "io.privateendpoint.java.runtime=OpenJDK $java_version (Debian $DEBIAN_SUITE), modules $modules" \
  --label "io.privateendpoint.debian.packages=$debian_packages" \
  --os-release "$(printf 'PRETTY_NAME="%s"\nNAME="Debian GNU/Linux"\nID=debian\nVERSION_ID="13"\nVERSION_CODENAME=%s\n' \
      "Debian GNU/Linux 13 ($DEBIAN_SUITE) libraries, no shell" "$DEBIAN_SUITE")" \
  --cache "$cache/layers" --output "$output"
find "$cache/layers" -name '*.tar.gz' -mtime +30 -delete 2>/dev/null || true
step "done: $output ($(du -m "$output" | cut -f1) MB), java $java_version"
