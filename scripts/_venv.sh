# Sourced by scripts/start and scripts/check: make .venv and install the project into it,
# pinned to requirements.lock. Installs again only when pyproject.toml, the lock or the
# extras asked for changed. pip stays quiet; when it fails, its log is shown.
_extras="${1:-}"
_python="${PYTHON:-python3}"
if ! "$_python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "error: roundup-bot needs Python 3.11 or newer as $_python (set PYTHON=...)" >&2
    exit 2
fi
_stamp=".venv/.installed${_extras:+-dev}"
_want="$(cat pyproject.toml requirements.lock | sha256sum | cut -d' ' -f1)"
_installed() { [ "$(cat "$1" 2>/dev/null)" = "$_want" ]; }
# The dev install holds everything the plain one does: after scripts/check, scripts/start has
# nothing to install.
if [ ! -x .venv/bin/python ] || ! { _installed "$_stamp" || _installed .venv/.installed-dev; }; then
    echo "Setting up .venv with roundup-bot's pinned dependencies (once; usually 1-2 minutes)..." >&2
    _log=".venv-setup.log"
    if ! {
        { [ -x .venv/bin/python ] || "$_python" -m venv .venv; } &&
            .venv/bin/python -m pip install --upgrade pip &&
            .venv/bin/python -m pip install -c requirements.lock -e ".$_extras"
    } >"$_log" 2>&1; then
        echo "error: setting up .venv failed; pip's log ($_log):" >&2
        cat "$_log" >&2
        exit 1
    fi
    rm -f "$_log"
    echo "$_want" > "$_stamp"
fi
