#!/usr/bin/env bash
# Makes the tools tests/e2e.rs needs available. Idempotent; prints nothing
# when everything is already there.
#
# - cfn-lint, moto's server and boto3: installed with pip (PyPI) when missing;
# - terraform and the hashicorp/aws provider mirror: only checked (no
#   registry is reachable from the test), exit 1 with a message if absent.
#   The mirror is /opt/tf-plugins unless VPCEGEN_TF_MIRROR says otherwise.
set -euo pipefail

PROVIDER_VERSION=5.100.0
MIRROR="${VPCEGEN_TF_MIRROR:-/opt/tf-plugins}"
PYTHON="${PYTHON:-python3}"

fail() {
    echo "test-tools: $*" >&2
    exit 1
}

command -v "$PYTHON" >/dev/null 2>&1 || fail "$PYTHON is not on PATH (needed for cfn-lint, moto and boto3)"

# Python tools: install only what is missing.
want=()
command -v cfn-lint >/dev/null 2>&1 || want+=("cfn-lint")
if ! command -v moto_server >/dev/null 2>&1 || ! "$PYTHON" -c "import moto.server" >/dev/null 2>&1; then
    want+=("moto[server]")
fi
"$PYTHON" -c "import boto3" >/dev/null 2>&1 || want+=("boto3")
if ((${#want[@]})); then
    echo "test-tools: installing ${want[*]}" >&2
    "$PYTHON" -m pip install --quiet --disable-pip-version-check "${want[@]}" >&2 \
        || fail "pip install ${want[*]} failed"
    # pyenv puts new console scripts on PATH only through its shims.
    if command -v pyenv >/dev/null 2>&1; then
        pyenv rehash >/dev/null 2>&1 || true
    fi
    hash -r
    command -v cfn-lint >/dev/null 2>&1 || fail "cfn-lint is still not on PATH after pip install"
    command -v moto_server >/dev/null 2>&1 || fail "moto_server is still not on PATH after pip install"
    "$PYTHON" -c "import boto3, moto.server" >/dev/null 2>&1 \
        || fail "$PYTHON still cannot import boto3 and moto.server after pip install"
fi

# Terraform and the provider: checked, never downloaded.
command -v terraform >/dev/null 2>&1 \
    || fail "terraform is not on PATH; install Terraform >= 1.5 (https://developer.hashicorp.com/terraform/install)"
terraform version >/dev/null 2>&1 || fail "terraform is on PATH but does not run"
provider_dir="$MIRROR/registry.terraform.io/hashicorp/aws/$PROVIDER_VERSION"
if ! compgen -G "$provider_dir/*/terraform-provider-aws_v${PROVIDER_VERSION}*" >/dev/null; then
    fail "the hashicorp/aws $PROVIDER_VERSION provider is not in the filesystem mirror: nothing at $provider_dir/<os_arch>/terraform-provider-aws_v$PROVIDER_VERSION* (set VPCEGEN_TF_MIRROR to the mirror's root)"
fi
