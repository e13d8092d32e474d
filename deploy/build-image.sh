#!/usr/bin/env bash
# Builds the container image vpcsim:latest FROM scratch out of our own
# binaries (vpcsim-broker, vpcsim-agent, vpcsim, vpcsim-gateway) and exactly the shared
# libraries they load, as ldd resolves them on this machine. Nothing is
# pulled from a registry, so it works on a Docker Engine that has no images
# and no network access.
#
#   deploy/build-image.sh [--bin DIR] [--build-dir DIR] [--tag TAG]
#
#   --bin DIR        take the binaries from DIR as they are (no build)
#   --build-dir DIR  CMake build directory to (re)build in (default: build)
#   --tag TAG        image name (default: vpcsim:latest)
#
# Without --bin it configures the build directory as Release if it has not
# been configured yet and builds the executables (a no-op when they are
# up to date), so running it again is safe and cheap.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR="$ROOT/build"
BIN_DIR=""
TAG="vpcsim:latest"
BINARIES=(vpcsim-broker vpcsim-agent vpcsim vpcsim-gateway)

die() { echo "build-image.sh: error: $*" >&2; exit 1; }
say() { echo "build-image.sh: $*" >&2; }
usage() { sed -n '8,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }

while [ $# -gt 0 ]; do
    case "$1" in
        --bin) [ $# -ge 2 ] || usage; BIN_DIR=$2; shift 2 ;;
        --build-dir) [ $# -ge 2 ] || usage; BUILD_DIR=$2; shift 2 ;;
        --tag) [ $# -ge 2 ] || usage; TAG=$2; shift 2 ;;
        -h|--help) usage ;;
        *) echo "build-image.sh: unknown argument '$1'" >&2; usage ;;
    esac
done

# --- Docker first: no point building if the image cannot be made ----------
command -v docker >/dev/null 2>&1 ||
    die "'docker' is not installed or not on PATH; install Docker Engine (Debian: apt-get install docker.io)"
if ! out=$(docker info 2>&1); then
    die "cannot talk to the Docker daemon (is it running? may this user use its socket?):
$(grep -v '^ *$' <<<"$out" | tail -2)"
fi
command -v ldd >/dev/null 2>&1 || die "'ldd' is not installed (Debian: libc-bin)"

# --- the binaries ----------------------------------------------------------
if [ -z "$BIN_DIR" ]; then
    command -v cmake >/dev/null 2>&1 ||
        die "'cmake' is not installed; run scripts/install-deps.sh first"
    if [ ! -f "$BUILD_DIR/CMakeCache.txt" ]; then
        say "configuring $BUILD_DIR (Release)"
        cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release >&2 ||
            die "cmake configure failed (missing packages? run scripts/install-deps.sh)"
    fi
    say "building ${BINARIES[*]} in $BUILD_DIR"
    cmake --build "$BUILD_DIR" -j2 --target "${BINARIES[@]}" >&2 || die "build failed"
    BIN_DIR="$BUILD_DIR/bin"
fi
BIN_DIR=$(cd "$BIN_DIR" 2>/dev/null && pwd) || die "no such directory: $BIN_DIR"
for b in "${BINARIES[@]}"; do
    [ -x "$BIN_DIR/$b" ] || die "$BIN_DIR/$b is missing or not executable"
done

# --- the root filesystem ---------------------------------------------------
CTX=$(mktemp -d "${TMPDIR:-/tmp}/vpcsim-image.XXXXXX")
trap 'rm -rf "$CTX"' EXIT
ROOTFS="$CTX/rootfs"
mkdir -p "$ROOTFS/usr/local/bin" "$ROOTFS/etc" "$ROOTFS/tmp" "$ROOTFS/data"
chmod 1777 "$ROOTFS/tmp"

# Copies a file to the same path inside the root filesystem, following
# symlinks: the image holds each library under the name the loader asks for.
copy_in() {
    local src=$1
    [ -e "$ROOTFS$src" ] && return 0
    mkdir -p "$ROOTFS$(dirname "$src")"
    cp -L "$src" "$ROOTFS$src"
}

# The libraries an ELF file loads, one absolute path a line, including the
# dynamic loader itself; fails on any library ldd cannot find.
libs_of() {
    local out
    out=$(ldd "$1" 2>&1) || {
        # A static executable needs nothing; any other failure is fatal.
        case "$out" in *"not a dynamic executable"*|*"statically linked"*) return 0 ;; esac
        die "ldd $1 failed: $out"
    }
    if grep -q "not found" <<<"$out"; then
        die "$1 needs libraries that are not installed:
$(grep "not found" <<<"$out")"
    fi
    # "libx.so.1 => /lib/.../libx.so.1 (0x...)" and "/lib64/ld-linux-x86-64.so.2 (0x...)"
    awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' <<<"$out"
}

# Copies an ELF file's libraries in. The list goes through a variable first:
# a failure inside a bare `for x in $(...)` would not stop the script.
copy_libs_of() {
    local libs lib
    libs=$(libs_of "$1") || exit 1
    for lib in $libs; do copy_in "$lib"; done
}

for b in "${BINARIES[@]}"; do
    cp -L "$BIN_DIR/$b" "$ROOTFS/usr/local/bin/$b"
    copy_libs_of "$BIN_DIR/$b"
done

# Name resolution: the agents reach the broker as tcp://broker:5555, which
# libzmq resolves with getaddrinfo. glibc >= 2.34 has the files and dns
# backends built in; older ones dlopen libnss_*, so those are added when the
# host's libc has them next to it (with whatever they load in turn).
LIBC=$(ldd "$ROOTFS/usr/local/bin/vpcsim" | awk '$1 ~ /^libc\.so/ { print $3 }')
if [ -n "$LIBC" ]; then
    for nss in libnss_files.so.2 libnss_dns.so.2 libresolv.so.2; do
        f="$(dirname "$LIBC")/$nss"
        if [ -e "$f" ]; then
            copy_in "$f"
            copy_libs_of "$f"
        fi
    done
fi
cat > "$ROOTFS/etc/nsswitch.conf" <<'EOF'
passwd: files
group:  files
hosts:  files dns
EOF
printf 'root:x:0:0:root:/data:/nonexistent\nnobody:x:65534:65534:nobody:/nonexistent:/nonexistent\n' \
    > "$ROOTFS/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$ROOTFS/etc/group"

# A loader cache for exactly these files, so the loader finds them without
# a search path; if ldconfig is missing or fails, LD_LIBRARY_PATH does it.
LIBDIRS=$(cd "$ROOTFS" && find . -name '*.so*' -type f | sed 's|^\.||; s|/[^/]*$||' | sort -u | tr '\n' ':')
LIBDIRS=${LIBDIRS%:}
ENV_LINE="ENV PATH=/usr/local/bin"
LDCONFIG=$(command -v ldconfig || echo /sbin/ldconfig)
tr ':' '\n' <<<"$LIBDIRS" > "$ROOTFS/etc/ld.so.conf"
if [ -x "$LDCONFIG" ] && "$LDCONFIG" -r "$ROOTFS" 2>/dev/null && [ -s "$ROOTFS/etc/ld.so.cache" ]; then
    :
else
    say "warning: ldconfig is missing or failed; the image finds its libraries through LD_LIBRARY_PATH"
    ENV_LINE="$ENV_LINE LD_LIBRARY_PATH=$LIBDIRS"
fi

cat > "$CTX/Dockerfile" <<EOF
FROM scratch
COPY rootfs/ /
$ENV_LINE
WORKDIR /data
EXPOSE 5555 4566
LABEL org.opencontainers.image.title="vpcsim" \\
      org.opencontainers.image.description="vpcsim broker, agent, CLI and EC2 Query API gateway (FROM scratch)"
CMD ["vpcsim", "--help"]
EOF

OLD_ID=$(docker image inspect -f '{{.Id}}' "$TAG" 2>/dev/null || true)
say "building image $TAG from $BIN_DIR ($(du -sh "$ROOTFS" | cut -f1) root filesystem)"
# The legacy builder ships with every Docker Engine and needs no network for
# FROM scratch; BuildKit would need the buildx plugin, which may be missing.
DOCKER_BUILDKIT=0 docker build -q -t "$TAG" "$CTX" >/dev/null 2>"$CTX/build.log" || {
    cat "$CTX/build.log" >&2
    die "docker build failed"
}

# A smoke test: every binary starts (all its libraries load) in the image.
for b in "${BINARIES[@]}"; do
    out=$(docker run --rm --network none "$TAG" "$b" --help 2>&1 >/dev/null) ||
        die "the image's $b does not start: $out"
done
NEW_ID=$(docker image inspect -f '{{.Id}}' "$TAG")
# The image this tag named before is now untagged: remove it rather than let
# every rebuild leave one behind (docker refuses while a container uses it).
if [ -n "$OLD_ID" ] && [ "$OLD_ID" != "$NEW_ID" ]; then
    docker image rm "$OLD_ID" >/dev/null 2>&1 || true
fi
say "built $TAG: ${NEW_ID:0:19}"
