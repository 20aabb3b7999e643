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
# - checkov (tests/requirements-checkov.txt, exact pins): into a venv of its
#   own, `.venv-checkov` (its boto3 pin conflicts with `.venv`'s), the same
#   way; never put on PATH: its path is exported as VPCEGEN_CHECKOV, which
#   tests/scanner.rs runs.
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
CHECKOV_VENV="$ROOT/.venv-checkov"
CHECKOV_REQUIREMENTS="$ROOT/tests/requirements-checkov.txt"
# The interpreter the venv is made from; only its `venv` module is used.
PYTHON="${PYTHON:-python3}"

fail() {
    echo "test-tools: $*" >&2
    exit 1
}

command -v sha256sum >/dev/null 2>&1 || fail "sha256sum is not on PATH (coreutils)"

# Installs the requirements file $2 into the venv $1, again only when the
# file changed since the last install (its hash is kept in the venv). A
# changed file (or a venv whose interpreter no longer runs) rebuilds the
# venv from empty, so a package dropped from the list is gone.
install_venv() {
    local venv="$1" requirements="$2" stamp="$1/.requirements.sha256"
    local name="${requirements#"$ROOT"/}"
    [ -f "$requirements" ] || fail "$requirements is missing"
    local want have
    want="$(sha256sum <"$requirements" | cut -d' ' -f1)"
    have="$(cat "$stamp" 2>/dev/null || true)"
    if [ "$want" != "$have" ] || ! "$venv/bin/python" -c '' >/dev/null 2>&1; then
        command -v "$PYTHON" >/dev/null 2>&1 \
            || fail "$PYTHON is not on PATH (needed to create $venv for $name)"
        echo "test-tools: installing $name into ${venv#"$ROOT"/}" >&2
        rm -f "$stamp"
        "$PYTHON" -m venv --clear "$venv" >&2 \
            || fail "$PYTHON -m venv $venv failed (on Debian/Ubuntu: apt-get install python3-venv)"
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
            --require-virtualenv -r "$requirements" >&2 \
            || fail "pip install -r $name into $venv failed"
        "$venv/bin/python" -m pip check >&2 || fail "the packages in $venv do not agree (pip check)"
        echo "$want" >"$stamp"
    fi
}

install_venv "$VENV" "$REQUIREMENTS"
install_venv "$CHECKOV_VENV" "$CHECKOV_REQUIREMENTS"

# checkov: by its path only, so .venv's tools stay first on PATH.
export VPCEGEN_CHECKOV="$CHECKOV_VENV/bin/checkov"
"$VPCEGEN_CHECKOV" --version >/dev/null 2>&1 || fail "checkov in .venv-checkov does not run ($VPCEGEN_CHECKOV)"

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
