//! Adopting endpoints that already exist: the JSON of `aws ec2
//! describe-vpc-endpoints`, read once into typed endpoints, which
//! `vpcegen import` turns into a spec and `build --adopt` into Terraform
//! `import` blocks.

pub mod import;
pub mod imports_tf;

use crate::diagnostic::{Code, Diagnostic};
use crate::source::{SourceMap, Span};
use serde::Deserialize;

/// What `describe-vpc-endpoints` prints; unknown members are ignored (AWS
/// adds some now and then).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Described {
    vpc_endpoints: Vec<Existing>,
}

/// One existing endpoint, with the members vpcegen reads.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Existing {
    pub vpc_endpoint_id: String,
    pub vpc_id: String,
    pub service_name: String,
    pub vpc_endpoint_type: String,
    #[serde(default)]
    pub subnet_ids: Vec<String>,
    #[serde(default)]
    pub route_table_ids: Vec<String>,
    #[serde(default)]
    pub groups: Vec<Group>,
    pub private_dns_enabled: Option<bool>,
    pub policy_document: Option<String>,
    pub ip_address_type: Option<String>,
    #[serde(default)]
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Group {
    pub group_id: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Tag {
    pub key: String,
    pub value: String,
}

impl Existing {
    pub fn is(&self, kind: &str) -> bool {
        self.vpc_endpoint_type.eq_ignore_ascii_case(kind)
    }
    pub fn name_tag(&self) -> Option<&str> {
        self.tags
            .iter()
            .find(|t| t.key == "Name")
            .map(|t| t.value.as_str())
    }
    /// Security group IDs, sorted, without repeats.
    pub fn group_ids(&self) -> Vec<String> {
        sorted(self.groups.iter().map(|g| g.group_id.clone()))
    }
}

/// Sorted, without repeats.
pub fn sorted(items: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut v: Vec<String> = items.into_iter().collect();
    v.sort();
    v.dedup();
    v
}

/// Reads the file's endpoints (E110, at serde_json's line and column, when
/// it is not JSON or not of that shape), sorted by endpoint ID.
pub fn read(
    sources: &SourceMap,
    file: crate::source::FileId,
) -> Result<Vec<Existing>, Box<Diagnostic>> {
    let text = &sources.get(file).text;
    match serde_json::from_str::<Described>(text) {
        Ok(d) => {
            let mut v = d.vpc_endpoints;
            v.sort_by(|a, b| a.vpc_endpoint_id.cmp(&b.vpc_endpoint_id));
            Ok(v)
        }
        Err(e) => {
            let offset = offset_of(text, e.line(), e.column());
            let end = text[offset..]
                .chars()
                .next()
                .map_or(offset, |c| offset + c.len_utf8());
            Err(Box::new(
                Diagnostic::new(
                    Code::E110,
                    "not the JSON of `aws ec2 describe-vpc-endpoints`",
                )
                .at(
                    Span::new(file, offset..end),
                    without_position(&e.to_string()),
                ),
            ))
        }
    }
}

/// serde_json's message without its own ` at line L column C` (the
/// diagnostic shows the position).
fn without_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// The byte offset of serde_json's 1-based line and column (0 and 0 when
/// it names no position).
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    if line == 0 {
        return 0;
    }
    let start: usize = text
        .split_inclusive('\n')
        .take(line - 1)
        .map(str::len)
        .sum();
    let line_text = text[start..].split('\n').next().unwrap_or("");
    let mut at = start + column.saturating_sub(1).min(line_text.len());
    while at > start && !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> (SourceMap, crate::source::FileId) {
        let mut s = SourceMap::default();
        let f = s.add("e.json".into(), text.into());
        (s, f)
    }

    #[test]
    fn syntax_and_shape_errors_carry_their_position() {
        let (s, f) = load("{\"VpcEndpoints\": [\n  {\"VpcEndpointId\": 1}\n]}");
        let d = read(&s, f).expect_err("an ID is a string");
        let mut all = crate::diagnostic::Diagnostics::default();
        all.push(*d);
        let text = all.render(&s, false);
        assert!(text.contains("error[E110]"), "{text}");
        assert!(text.contains("e.json:2:"), "{text}");
        let (s, f) = load("not json");
        assert!(read(&s, f).is_err());
        let (s, f) = load("{\"VpcEndpoints\": []}");
        assert!(read(&s, f).is_ok_and(|v| v.is_empty()));
    }
}
