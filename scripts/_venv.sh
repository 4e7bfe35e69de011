# Shared by scripts/run and scripts/test: create the virtual environment and install the
# project into it when it is missing or pyproject.toml or its lock file has changed since the
# last install. Dependencies come from the hash-pinned lock (requirements/run.lock, or
# dev.lock with the development tools; ./scripts/lock refreshes both), so every deployment and
# CI run installs exactly the reviewed files; pyproject.toml keeps the compatible ranges.
VENV="${VENV:-.venv}"
ensure_venv() {
  local extras="$1"
  local stamp="$VENV/.installed$extras"
  local lock="requirements/run.lock"
  [ -n "$extras" ] && lock="requirements/dev.lock"
  if ! "$VENV/bin/python" -c "import sys; assert sys.version_info >= (3, 11)" 2>/dev/null; then
    local python="${PYTHON:-python3}"
    "$python" -c "import sys; assert sys.version_info >= (3, 11), 'Python 3.11+ is required'"
    "$python" -m venv "$VENV"
  fi
  if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ "$lock" -nt "$stamp" ]; then
    echo "Installing the bot and its dependencies into $VENV (first run only)…" >&2
    # Build tools are chatty; their output is kept in a log and shown only if something fails.
    if ! { "$VENV/bin/python" -m pip install --quiet --upgrade pip &&
           "$VENV/bin/python" -m pip install --quiet --require-hashes -r "$lock" &&
           "$VENV/bin/python" -m pip install --quiet --no-deps -e ".$extras"; } \
        >"$VENV/install.log" 2>&1; then
      cat "$VENV/install.log" >&2
      echo "Installation failed (log above, also in $VENV/install.log)." >&2
      exit 1
    fi
    touch "$stamp"
  fi
}
