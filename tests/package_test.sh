#!/usr/bin/env bash
# tests/package_test.sh BUILD_DIR SOURCE_DIR
# Makes the .deb from BUILD_DIR with CPack and checks it without touching this machine: its name,
# control fields (shlibdeps Depends, Recommends, Suggests) and files; then installs it with
# `dpkg --root` into a throwaway root and checks the installed binary, the conffile on reinstall,
# upgrade, remove and purge; then runs lintian when it is installed (its accepted findings are
# explained in README.md, Packaging). Exit 0 pass, 1 fail, 77 skip (dpkg-dev missing).
set -euo pipefail
build=$1
source=$2
work=$(mktemp -d "${TMPDIR:-/tmp}/nianbao-package-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
expect_has() {  # expect_has TEXT NEEDLE WHAT
  grep -qF -- "$2" <<<"$1" || fail "$3: no \"$2\" in: $1"
}
command -v dpkg-shlibdeps >/dev/null || { echo "SKIP: dpkg-shlibdeps missing (dpkg-dev)"; exit 77; }

prefix=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$build/CMakeCache.txt")
[[ $prefix == /usr ]] ||
  fail "the tree's CMAKE_INSTALL_PREFIX is \"$prefix\"; a package needs /usr (scripts/build release)"

# --- build ---
cpack --config "$build/CPackConfig.cmake" -B "$work/out" >"$work/cpack.log" 2>&1 ||
  { cat "$work/cpack.log" >&2; fail "cpack failed"; }
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")
deb=$work/out/nianbao_${version}_amd64.deb
[[ -f $deb ]] || fail "no $deb; cpack made: $(ls "$work/out")"
echo "package: $(basename "$deb") ($(stat -c %s "$deb") bytes)"

# --- control ---
[[ $(dpkg-deb -f "$deb" Package) == nianbao ]] || fail "Package"
[[ $(dpkg-deb -f "$deb" Version) == "$version" ]] || fail "Version"
[[ $(dpkg-deb -f "$deb" Architecture) == amd64 ]] || fail "Architecture"
depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
for lib in libc6 libstdc++6 libcurl4 libgumbo1 libicu72 libre2-9 libsqlite3-0 libsystemd0 zlib1g \
  libssl3; do
  expect_has "$depends" "$lib" "Depends (dpkg-shlibdeps)"
done
expect_has "$(dpkg-deb -f "$deb" Recommends)" poppler-utils Recommends
suggests=$(dpkg-deb -f "$deb" Suggests)
for tool in libreoffice-writer-nogui libreoffice-calc-nogui tesseract-ocr tesseract-ocr-chi-sim; do
  expect_has "$suggests" "$tool" Suggests
done
[[ $(dpkg-deb -I "$deb" conffiles) == /etc/nianbao/nianbao.toml ]] ||
  fail "conffiles: $(dpkg-deb -I "$deb" conffiles 2>&1)"

# --- files ---
contents=$(dpkg-deb -c "$deb" | awk '{ print $6 }')
for path in ./usr/bin/nianbao ./usr/share/nianbao/rules/fields.tsv \
  ./usr/share/nianbao/rules/v2021.toml ./usr/share/nianbao/rules/seeds.tsv \
  ./lib/systemd/system/nianbao.service ./etc/nianbao/nianbao.toml \
  ./usr/share/man/man1/nianbao.1.gz ./usr/share/man/man1/nianbao-fetch.1.gz \
  ./usr/share/man/man1/nianbao-daemon.1.gz ./usr/share/man/man5/nianbao.toml.5.gz \
  ./usr/share/doc/nianbao/copyright ./usr/share/doc/nianbao/changelog.gz; do
  grep -qxF "$path" <<<"$contents" || fail "the package has no $path"
done
if grep -E '^\./usr/local|\.default$|^\./usr/lib/systemd' <<<"$contents"; then
  fail "files outside the Debian layout (above)"
fi
owners=$(dpkg-deb -c "$deb" | awk '{ print $2 }' | sort -u)
[[ $owners == root/root ]] || fail "files not owned by root/root: $owners"

# --- install into a throwaway root ---
root=$work/root
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates" "$root/var/lib/dpkg/triggers"
touch "$root/var/lib/dpkg/status" "$root/var/lib/dpkg/available"
# --force-depends: the root holds no libraries (the binary runs with this machine's); --force-bad-path:
# nor ldconfig and the other programs dpkg looks for in it.
in_root() {
  dpkg --root="$root" --log=/dev/null --force-depends --force-bad-path --force-not-root \
    --force-confold "$@" </dev/null >>"$work/dpkg.log" 2>&1 ||
    { cat "$work/dpkg.log" >&2; fail "dpkg $*"; }
}
status() { dpkg-query --admindir="$root/var/lib/dpkg" -W -f='${db:Status-Abbrev}' nianbao 2>/dev/null || true; }
in_root -i "$deb"
[[ $(status) == "ii " ]] || fail "not installed in the root: \"$(status)\""
"$root/usr/bin/nianbao" --version | grep -qxF "$version" || fail "installed nianbao --version"
unit=$(cat "$root/lib/systemd/system/nianbao.service")
expect_has "$unit" "ExecStart=/usr/bin/nianbao daemon --config /etc/nianbao/nianbao.toml" unit
config=$(cat "$root/etc/nianbao/nianbao.toml")
expect_has "$config" 'rules_dir = "/usr/share/nianbao/rules"' config
expect_has "$config" 'database = "/var/lib/nianbao/nianbao.db"' config
extraction=$("$root/usr/bin/nianbao" extract --rules "$root/usr/share/nianbao/rules" \
  "$source/tests/data/corpus/pingtan-2024.html")
expect_has "$extraction" '"template": "v2021"' "extract with the installed rules"
expect_has "$(zcat "$root/usr/share/man/man1/nianbao-export.1.gz")" '\-\-bom' "nianbao-export(1)"

# --- conffile handling ---
echo '# edited by the admin' >>"$root/etc/nianbao/nianbao.toml"
edited=$(cat "$root/etc/nianbao/nianbao.toml")
in_root -i "$deb"  # reinstall: an edited conffile is kept
[[ $(cat "$root/etc/nianbao/nianbao.toml") == "$edited" ]] || fail "reinstall replaced the edited config"
# An upgrade whose shipped config changed: the admin's edit stays, the new one lands as .dpkg-dist.
dpkg-deb -R "$deb" "$work/next"
sed -i "s/^Version: .*/Version: ${version}+1/" "$work/next/DEBIAN/control"
echo '# a new key in the next version' >>"$work/next/etc/nianbao/nianbao.toml"
(cd "$work/next" && find . -path ./DEBIAN -prune -o -type f -printf '%P\n' | grep -v '^etc/' |
  sort | xargs md5sum >DEBIAN/md5sums)
dpkg-deb --root-owner-group -b "$work/next" "$work/next.deb" >/dev/null
in_root -i "$work/next.deb"
[[ $(dpkg-query --admindir="$root/var/lib/dpkg" -W -f='${Version}' nianbao) == "${version}+1" ]] ||
  fail "upgrade"
[[ $(cat "$root/etc/nianbao/nianbao.toml") == "$edited" ]] || fail "upgrade replaced the edited config"
grep -qF '# a new key in the next version' "$root/etc/nianbao/nianbao.toml.dpkg-dist" ||
  fail "upgrade did not leave the new config as nianbao.toml.dpkg-dist"
rm "$root/etc/nianbao/nianbao.toml.dpkg-dist"
# Remove keeps the config; purge removes it.
in_root -r nianbao
[[ ! -e $root/usr/bin/nianbao ]] || fail "remove left /usr/bin/nianbao"
[[ -f $root/etc/nianbao/nianbao.toml ]] || fail "remove deleted the conffile"
[[ $(status) == "rc " ]] || fail "after remove: \"$(status)\""
in_root -P nianbao
[[ ! -e $root/etc/nianbao/nianbao.toml ]] || fail "purge left the conffile"
[[ -z $(status) || $(status) == "un " || $(status) == "pn " ]] || fail "after purge: \"$(status)\""

# --- lintian ---
if command -v lintian >/dev/null; then
  # Findings accepted and explained in README.md (Packaging).
  accepted=(initial-upload-closes-no-bugs)
  if ! lintian --fail-on error,warning --suppress-tags "$(IFS=,; echo "${accepted[*]}")" \
    --tag-display-limit 0 "$deb" >"$work/lintian.log" 2>&1; then
    cat "$work/lintian.log" >&2
    fail "lintian"
  fi
  cat "$work/lintian.log"
  echo "lintian: no errors or warnings"
else
  echo "lintian not installed: skipped (scripts/deps test installs it)"
fi
echo "package_test: passed"
