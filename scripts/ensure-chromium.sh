#!/usr/bin/env bash
# Makes sure a headless Chromium is there for the board report's browser
# check (make test): Debian's chromium package, installed with apt-get when
# missing (as root, or with sudo when it needs no password). EHC_CHROMIUM
# names another browser to use instead, and then nothing is installed.
# It prints one line saying what it found or did.
set -euo pipefail

if [ -n "${EHC_CHROMIUM:-}" ]; then
	[ -x "$EHC_CHROMIUM" ] || { echo "ensure-chromium: EHC_CHROMIUM=$EHC_CHROMIUM is not an executable" >&2; exit 1; }
	echo "ensure-chromium: using $EHC_CHROMIUM"
	exit 0
fi
if [ -x /usr/bin/chromium ]; then
	echo "ensure-chromium: /usr/bin/chromium is installed"
	exit 0
fi
if [ "$(id -u)" -eq 0 ]; then
	as=()
elif sudo -n true 2>/dev/null; then
	as=(sudo -n)
else
	echo "ensure-chromium: Chromium is missing and installing it needs root: run 'sudo apt-get install chromium', or set EHC_CHROMIUM to a Chromium or Chrome binary" >&2
	exit 1
fi
echo "ensure-chromium: installing Debian's chromium (apt-get)"
"${as[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium >/dev/null ||
	{ "${as[@]}" apt-get update -qq && "${as[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium >/dev/null; }
echo "ensure-chromium: $(/usr/bin/chromium --version)"
