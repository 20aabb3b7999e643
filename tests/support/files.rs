// Walking a folder, and which scenarios are Terraform-only, shared by
// tests/e2e.rs and tests/scanner.rs (`include!`d, so it is not a test
// target of its own).

/// CloudFormation errors that make a valid scenario Terraform-only: a tag
/// lookup (E040), a plan-time lookup of the AZs a service serves (E074),
/// fixed endpoint addresses (E076), a GWLB endpoint per subnet given at
/// deploy time (E093), a hosted-zones hub whose zones a spoke's VPC cannot
/// be listed in (E106: another account, or a VPC ID given at deploy time;
/// CloudFormation has no association resource, Terraform associates it from
/// the spoke).
const TERRAFORM_ONLY: &[&str] = &["E040", "E074", "E076", "E093", "E106"];

/// The codes of a compilation's errors (what decides Terraform-only).
fn error_codes(c: &vpcegen::Compiled) -> std::collections::BTreeSet<&str> {
    c.diagnostics
        .iter()
        .filter(|d| d.severity == vpcegen::diagnostic::Severity::Error)
        .map(|d| d.code.as_str())
        .collect()
}

/// Every file under `dir`, depth first, in name order.
fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files_under(&p, out);
        } else {
            out.push(p);
        }
    }
}
