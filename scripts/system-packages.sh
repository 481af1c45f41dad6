#!/usr/bin/env bash
# Installs the Debian packages the tests drive for real: LibreOffice (Calc and Writer) to open the workbooks and
# the Word bulletin, python3-uno to edit and save returns through LibreOffice's own API as a unit would,
# Chromium to render the report page and drive the console (through Playwright, by executable_path), dovecot as the IMAP server replies are fetched from, fonts with CJK
# glyphs and Carlito (Calibri's metrics, so column widths print as in Excel), and openssl for test certificates. Idempotent; needs root or sudo. Without them it
# says what is missing and carries on: tests that need a program skip outside CI and fail in CI (CI=true).
set -uo pipefail
packages=(libreoffice-calc-nogui libreoffice-writer-nogui python3-uno chromium dovecot-imapd fonts-noto-cjk fonts-crosextra-carlito openssl)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ]; then sudo=(); elif command -v sudo >/dev/null 2>&1; then sudo=(sudo -n); else
  echo "system-packages: not root and no sudo; please install: ${missing[*]}" >&2; exit 0
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq && "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
  || echo "system-packages: could not install ${missing[*]}" >&2
exit 0
