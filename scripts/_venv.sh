# Sourced by scripts/start and scripts/check: make .venv and install the project into it.
# Installs again only when pyproject.toml (or the extras asked for) changed.
_extras="${1:-}"
_python="${PYTHON:-python3}"
if ! "$_python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "error: roundup-bot needs Python 3.11 or newer as $_python (set PYTHON=...)" >&2
    exit 2
fi
if [ ! -x .venv/bin/python ]; then
    "$_python" -m venv .venv
fi
_stamp=".venv/.installed${_extras:+-dev}"
_want="$(cat pyproject.toml | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$_stamp" 2>/dev/null)" != "$_want" ]; then
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -e ".$_extras"
    echo "$_want" > "$_stamp"
fi
