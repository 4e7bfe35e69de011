# Shared by scripts/run and scripts/test: create the virtual environment and install the
# project into it when it is missing or pyproject.toml has changed since the last install.
VENV="${VENV:-.venv}"
ensure_venv() {
  local extras="$1"
  local stamp="$VENV/.installed$extras"
  if ! "$VENV/bin/python" -c "import sys; assert sys.version_info >= (3, 11)" 2>/dev/null; then
    local python="${PYTHON:-python3}"
    "$python" -c "import sys; assert sys.version_info >= (3, 11), 'Python 3.11+ is required'"
    "$python" -m venv "$VENV"
  fi
  if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    echo "Installing the bot and its dependencies into $VENV (first run only)…" >&2
    # Build tools are chatty; their output is kept in a log and shown only if something fails.
    if ! { "$VENV/bin/python" -m pip install --quiet --upgrade pip &&
           "$VENV/bin/python" -m pip install --quiet -e ".$extras"; } >"$VENV/install.log" 2>&1; then
      cat "$VENV/install.log" >&2
      echo "Installation failed (log above, also in $VENV/install.log)." >&2
      exit 1
    fi
    touch "$stamp"
  fi
}
