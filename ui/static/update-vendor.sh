#!/bin/sh
# Updates the vendored htmx from the npm registry. Only this script needs
# npm; go build and go test use the committed copy.
#   ui/static/update-vendor.sh [version]   (default: the newest 2.x)
set -eu
version=${1:-2}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
tarball=$(npm pack --silent "htmx.org@$version")
tar -xzf "$tarball"
cp package/dist/htmx.min.js "$here/vendor/htmx.min.js"
cp package/LICENSE "$here/vendor/htmx.LICENSE"
resolved=$(node -p 'require("./package/package.json").version')
licence=$(node -p 'require("./package/package.json").license')
sha=$(sha256sum "$here/vendor/htmx.min.js" | cut -d' ' -f1)
cat > "$here/vendor/VERSIONS" <<EOT
htmx.org $resolved ($licence) from the npm registry
dist/htmx.min.js sha256 $sha
EOT
echo "htmx.org $resolved vendored"
