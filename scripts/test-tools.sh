#!/usr/bin/env bash
# Makes the tools the tool tests (tests/e2e.rs, the ignored ones in
# tests/values.rs) need available. scripts/test sources it, so the PATH it
# sets holds for the test run; run on its own, it only installs and checks.
#
# - cfn-lint, moto's server, boto3 (tests/requirements.txt, exact pins):
#   installed into the project's own `.venv` (never the system Python),
#   again only when the requirements file changed since the last install
#   (its hash is kept in .venv); `.venv/bin` then comes first on PATH, so
#   the tests' `python3`, `cfn-lint` and `moto_server` are the venv's.
# - terraform and the hashicorp/aws provider mirror: only checked (no
#   registry is reachable from the test), exit 1 with a message if absent.
#   The mirror is /opt/tf-plugins unless VPCEGEN_TF_MIRROR says otherwise.
#
# Any missing piece exits 1 with a message; nothing is skipped.
set -euo pipefail

PROVIDER_VERSION=5.100.0
MIRROR="${VPCEGEN_TF_MIRROR:-/opt/tf-plugins}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
REQUIREMENTS="$ROOT/tests/requirements.txt"
STAMP="$VENV/.requirements.sha256"
# The interpreter the venv is made from; only its `venv` module is used.
PYTHON="${PYTHON:-python3}"

fail() {
    echo "test-tools: $*" >&2
    exit 1
}

[ -f "$REQUIREMENTS" ] || fail "$REQUIREMENTS is missing"
command -v sha256sum >/dev/null 2>&1 || fail "sha256sum is not on PATH (coreutils)"
want="$(sha256sum <"$REQUIREMENTS" | cut -d' ' -f1)"
have="$(cat "$STAMP" 2>/dev/null || true)"

# A changed requirements file (or a venv whose interpreter no longer runs)
# rebuilds the venv from empty, so a package dropped from the list is gone.
if [ "$want" != "$have" ] || ! "$VENV/bin/python" -c '' >/dev/null 2>&1; then
    command -v "$PYTHON" >/dev/null 2>&1 \
        || fail "$PYTHON is not on PATH (needed to create $VENV for cfn-lint, moto and boto3)"
    echo "test-tools: installing tests/requirements.txt into .venv" >&2
    rm -f "$STAMP"
    "$PYTHON" -m venv --clear "$VENV" >&2 \
        || fail "$PYTHON -m venv $VENV failed (on Debian/Ubuntu: apt-get install python3-venv)"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
        --require-virtualenv -r "$REQUIREMENTS" >&2 \
        || fail "pip install -r tests/requirements.txt into .venv failed"
    "$VENV/bin/python" -m pip check >&2 || fail "the packages in .venv do not agree (pip check)"
    echo "$want" >"$STAMP"
fi

export VIRTUAL_ENV="$VENV"
export PATH="$VENV/bin:$PATH"
unset PYTHONHOME
hash -r

# What the tests call, by name, through PATH.
for exe in python3 cfn-lint moto_server; do
    [ "$(command -v "$exe")" = "$VENV/bin/$exe" ] \
        || fail "$exe on PATH is $(command -v "$exe" || echo nothing), not $VENV/bin/$exe"
done
cfn-lint --version >/dev/null 2>&1 || fail "cfn-lint in .venv does not run"
python3 -c "import boto3, moto.server" >/dev/null 2>&1 \
    || fail "python3 in .venv cannot import boto3 and moto.server"

# Terraform and the provider: checked, never downloaded.
command -v terraform >/dev/null 2>&1 \
    || fail "terraform is not on PATH; install Terraform >= 1.5 (https://developer.hashicorp.com/terraform/install)"
terraform version >/dev/null 2>&1 || fail "terraform is on PATH but does not run"
provider_dir="$MIRROR/registry.terraform.io/hashicorp/aws/$PROVIDER_VERSION"
if ! compgen -G "$provider_dir/*/terraform-provider-aws_v${PROVIDER_VERSION}*" >/dev/null; then
    fail "the hashicorp/aws $PROVIDER_VERSION provider is not in the filesystem mirror: nothing at $provider_dir/<os_arch>/terraform-provider-aws_v$PROVIDER_VERSION* (set VPCEGEN_TF_MIRROR to the mirror's root)"
fi
