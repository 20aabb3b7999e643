//! `build --adopt FILE`: one Terraform `import` block (Terraform 1.5+) per
//! endpoint of the model that already exists, so that the first apply
//! takes it over instead of creating a second one.

use super::Existing;
use crate::model::{Endpoint, Model, ServiceName, Value};
use crate::render::{File, hcl};
use std::fmt::Write;

/// `imports.tf`, or `None` when no endpoint of the model exists in
/// `existing`. An endpoint matches an existing one of the same service
/// name and type (and VPC, when the spec gives its ID); of several, the
/// first by ID is taken and the others are named in a comment.
pub fn imports_tf(model: &Model, existing: &[Existing]) -> Option<File> {
    let vpc = match &model.vpc_id {
        Value::Literal(id) => Some(id.as_str()),
        _ => None,
    };
    let mut blocks = String::new();
    for e in model.endpoints.iter().chain(&model.connects) {
        let found: Vec<&Existing> = existing.iter().filter(|x| matches(e, x, vpc)).collect();
        let Some(first) = found.first() else { continue };
        for other in &found[1..] {
            let _ = writeln!(
                blocks,
                "# {} is another endpoint of this service: not adopted.",
                crate::diagnostic::printable(&other.vpc_endpoint_id)
            );
        }
        let _ = writeln!(
            blocks,
            "import {{\n  to = aws_vpc_endpoint.{}\n  id = {}\n}}\n",
            e.ident,
            hcl::quoted(&first.vpc_endpoint_id)
        );
    }
    if blocks.is_empty() {
        return None;
    }
    let mut contents = crate::render::header("#", &model.source);
    contents.push_str("\n# Existing endpoints this module takes over at its first apply (`vpcegen build --adopt`).\n# Build without --adopt once they are in the state.\n\n");
    contents.push_str(blocks.trim_end());
    contents.push('\n');
    Some(File {
        path: "imports.tf".into(),
        contents,
    })
}

fn matches(e: &Endpoint, x: &Existing, vpc: Option<&str>) -> bool {
    let ServiceName::Literal(name) = &e.service_name else {
        return false;
    };
    e.lattice.is_none()
        && *name == x.service_name
        && x.is(e.kind.aws_name())
        && vpc.is_none_or(|v| v == x.vpc_id)
}
