#!/usr/bin/env bash
# Builds github.com/thanos-io/thanos/cmd/thanos for each version given (default: every e2e/thanos/v*/ wrapper
# module) and caches the binary by version, so a second run takes a moment. Prints one line per version:
#   <version> <path of the binary>
# THANOS_BINARY_<version with dots and dashes as underscores> (e.g. THANOS_BINARY_v0_42_4), or THANOS_BINARY for
# every version, points at a binary of your own: it is used as is, nothing is built.
# Cache: $THANOS_GITOPS_CACHE, default ${XDG_CACHE_HOME:-$HOME/.cache}/thanos-gitops-e2e.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
export PATH="/usr/local/go/bin:$PATH"
cache="${THANOS_GITOPS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/thanos-gitops-e2e}"
mkdir -p "$cache"

versions=("$@")
if [ ${#versions[@]} -eq 0 ]; then
  for d in "$here"/v*/; do versions+=("$(basename "$d")"); done
fi

for v in "${versions[@]}"; do
  var="THANOS_BINARY_$(echo "$v" | tr '.-' '__')"
  own="${!var:-${THANOS_BINARY:-}}"
  if [ -n "$own" ]; then
    [ -x "$own" ] || { echo "build.sh: $var/THANOS_BINARY=$own is not an executable" >&2; exit 1; }
    echo "$v $own"
    continue
  fi
  mod="$here/$v"
  [ -f "$mod/go.mod" ] || { echo "build.sh: no wrapper module $mod (supported: $(ls "$here" | grep '^v' | tr '\n' ' '))" >&2; exit 1; }
  # The build tags of the release's own .promu.yml: without `slicelabels` the binary builds but its zero-copy
  # label casts read the wrong layout (ingestors panic with garbage message sizes on Query's first Info call).
  tags="netgo,slicelabels"
  # The cache key holds the go.sum digest and the tags: a refreshed wrapper module builds again.
  key="$( (cat "$mod/go.mod" "$mod/go.sum"; echo "$tags") | sha256sum | cut -c1-12)"
  bin="$cache/thanos-$v-$key"
  if [ ! -x "$bin" ]; then
    command -v go >/dev/null 2>&1 || { echo "build.sh: Go is not installed (need Go >= $(sed -n 's/^go //p' "$mod/go.mod"))" >&2; exit 1; }
    echo "build.sh: building thanos $v (cold: several minutes on 2 cores)" >&2
    start=$(date +%s)
    (cd "$mod" && CGO_ENABLED=0 nice -n 10 go build -mod=readonly -trimpath -tags "$tags" \
      -ldflags "-s -w -X github.com/prometheus/common/version.Version=${v#v}" \
      -o "$bin.tmp" github.com/thanos-io/thanos/cmd/thanos)
    mv "$bin.tmp" "$bin"
    echo "build.sh: built thanos $v in $(($(date +%s) - start)) s -> $bin" >&2
  fi
  echo "$v $bin"
done
