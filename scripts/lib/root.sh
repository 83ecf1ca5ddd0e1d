# shellcheck shell=bash
# Shared by the shell scripts that install Debian packages: how to run a command as root.
# Sourced, not run.

is_root() { [[ $(id -u) -eq 0 ]]; }

# Runs a command as root: directly when we are root, through sudo when it needs no
# password (there is no terminal to ask one on in CI), otherwise not at all.
as_root() {
  if is_root; then
    "$@"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo -n "$@"
  else
    return 1
  fi
}

can_be_root() {
  is_root || { command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; }
}

package_installed() {
  [[ $(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null) == installed ]]
}
