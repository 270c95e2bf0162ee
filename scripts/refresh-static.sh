#!/bin/sh
# Refreshes the committed third-party static files from the npm registry. Needs Node and npm; running
# the platform does not (the results are committed under static/vendor/).
set -eu
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
( cd "$work" && npm init -y >/dev/null && npm install --no-audit --no-fund --silent \
    bootstrap@5.3.9 bootstrap-icons@1.13.2 htmx.org@2.0.11 echarts@6.1.0 @fontsource/noto-sans-sc@5.3.0 \
    axe-core@4.14.1 )
m="$work/node_modules"
dest=static/vendor
rm -rf "$dest"; mkdir -p "$dest/bootstrap" "$dest/bootstrap-icons/fonts" "$dest/htmx" "$dest/echarts" "$dest/noto-sans-sc/files"
cp "$m/bootstrap/dist/css/bootstrap.min.css" "$m/bootstrap/dist/js/bootstrap.bundle.min.js" "$dest/bootstrap/"
cp "$m/bootstrap/LICENSE" "$dest/bootstrap/LICENSE"
cp "$m/bootstrap-icons/font/bootstrap-icons.min.css" "$dest/bootstrap-icons/"
cp "$m/bootstrap-icons/font/fonts/bootstrap-icons.woff2" "$m/bootstrap-icons/font/fonts/bootstrap-icons.woff" "$dest/bootstrap-icons/fonts/"
cp "$m/bootstrap-icons/LICENSE" "$dest/bootstrap-icons/LICENSE"
cp "$m/htmx.org/dist/htmx.min.js" "$dest/htmx/"
cp "$m/htmx.org/LICENSE" "$dest/htmx/LICENSE"
cp "$m/echarts/dist/echarts.min.js" "$dest/echarts/"
cp "$m/echarts/LICENSE" "$dest/echarts/LICENSE"
# Noto Sans SC, regular and bold, as unicode-range subsets: the browser fetches only the slices a page uses.
cp "$m/@fontsource/noto-sans-sc/400.css" "$m/@fontsource/noto-sans-sc/700.css" "$dest/noto-sans-sc/"
cp "$m"/@fontsource/noto-sans-sc/files/noto-sans-sc-*-400-normal.woff2 "$m"/@fontsource/noto-sans-sc/files/noto-sans-sc-*-700-normal.woff2 "$dest/noto-sans-sc/files/"
# Keep only the woff2 sources, so every url() in the CSS names a file that is here.
sed -i "s/, url(\.\/files\/[^)]*\.woff) format('woff')//" "$dest/noto-sans-sc/400.css" "$dest/noto-sans-sc/700.css"
cp "$m/@fontsource/noto-sans-sc/LICENSE" "$dest/noto-sans-sc/LICENSE"
# The source maps are not vendored: drop the comments naming them. A manifest storage's collectstatic (the
# production settings) refuses a reference to a file that is not there, and browsers would ask for it.
find "$dest" \( -name '*.js' -o -name '*.css' \) -exec sed -i -E \
    -e 's@/\*# sourceMappingURL=[^ ]+ \*/@@' -e 's@//# sourceMappingURL=[^ ]+$@@' {} +
( cd "$work" && npm ls --depth=0 ) | grep -v axe-core > "$dest/VERSIONS.txt"
echo "static/vendor refreshed:"; cat "$dest/VERSIONS.txt"
# axe-core is for the accessibility tests only (tests/test_accessibility.py injects it into the page):
# it lives outside static/ so it is never collected or served to users.
tests_dest=tests/vendor/axe-core
rm -rf "$tests_dest"; mkdir -p "$tests_dest"
cp "$m/axe-core/axe.min.js" "$m/axe-core/LICENSE" "$tests_dest/"
( cd "$work" && npm ls --depth=0 axe-core ) > "$tests_dest/VERSION.txt"
echo "$tests_dest refreshed:"; cat "$tests_dest/VERSION.txt"
