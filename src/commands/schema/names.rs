//! The catalog's names in the spec's JSON Schema, so that editors complete
//! them (with the service's title) and flag a misspelt one (`ssm-messages`).
//!
//! The schema sees one file, and vpcegen also accepts a name outside the
//! catalog that the spec gives its own `[service.<name>] service_name`.
//! So: `[service.<name>]` keys are catalog names, or tables with their own
//! `service_name`; `reach.services` and `reach.without` items are catalog
//! names unless the file gives some `[service.*]` a `service_name` (JSON
//! Schema cannot tie an item to a key, so such a file has its service
//! names checked by vpcegen alone); bundles are always catalog names.

use crate::catalog::Catalog;
use serde_json::{Map, Value, json};

const SERVICE_NAME: &str = "#/$defs/ServiceName";
const SETTINGS: &str = "#/$defs/ServiceSettings";

/// Adds `$defs` `ServiceName`, `ServiceNameOrCustom` and `BundleName` to
/// `root` and points the spec's names at them.
pub(super) fn add(root: &mut Value) {
    let c = Catalog::get();
    let services: Vec<Value> = c
        .services
        .iter()
        .map(|s| json!({ "const": s.suffix, "description": s.title }))
        .collect();
    let bundles: Vec<Value> = c
        .bundles
        .iter()
        .map(|b| json!({ "const": b.name, "description": format!("{}: {}", b.services.join(", "), b.reason) }))
        .collect();
    let defs = &mut root["$defs"];
    defs["ServiceName"] = json!({
        "type": "string",
        "description": "A service of the built-in catalog (`vpcegen services` lists them).",
        "oneOf": services,
    });
    defs["ServiceNameOrCustom"] = json!({ "anyOf": [
        { "$ref": SERVICE_NAME },
        { "type": "string", "description": "A service the catalog does not know, given its own `[service.<name>] service_name`." },
    ]});
    defs["BundleName"] = json!({ "type": "string", "oneOf": bundles });
    let reach = &mut defs["Reach"]["properties"];
    for list in ["services", "without"] {
        reach[list]["items"] = json!({ "$ref": "#/$defs/ServiceNameOrCustom" });
    }
    reach["bundles"]["items"] = json!({ "$ref": "#/$defs/BundleName" });
    root["properties"]["service"] = service_tables(&root["properties"]["service"]);
    // Catalog names only, unless some `[service.*]` has a `service_name`.
    root["if"] = json!({ "properties": { "service": {
        "additionalProperties": { "not": { "required": ["service_name"] } },
    }}});
    let strict = json!({ "items": { "$ref": SERVICE_NAME } });
    root["then"] = json!({ "properties": { "reach": { "properties": {
        "services": strict, "without": strict,
    }}}});
}

/// `[service.<name>]`: a catalog name (described by its title), or any
/// other name with its own `service_name`.
fn service_tables(old: &Value) -> Value {
    let properties: Map<String, Value> = Catalog::get()
        .services
        .iter()
        .map(|s| {
            let v = json!({ "$ref": SETTINGS, "description": s.title });
            (s.suffix.to_string(), v)
        })
        .collect();
    json!({
        "type": "object",
        "properties": properties,
        "additionalProperties": { "$ref": SETTINGS, "required": ["service_name"] },
        "description": format!("{} A name outside the catalog needs its own `service_name`.", old["description"].as_str().unwrap_or_default()),
    })
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    fn valid(spec: Value) -> bool {
        let schema: Value = serde_json::from_str(&super::super::schema()).expect("JSON");
        let mut doc = json!({ "version": 1, "name": "x" });
        if let (Some(d), Some(s)) = (doc.as_object_mut(), spec.as_object()) {
            d.extend(s.clone());
        }
        jsonschema::validator_for(&schema)
            .expect("a schema")
            .is_valid(&doc)
    }

    #[test]
    fn catalog_names_pass_and_misspelt_ones_are_flagged() {
        assert!(valid(json!({ "reach": { "services": ["ssm", "s3"] } })));
        assert!(!valid(json!({ "reach": { "services": ["ssm-messages"] } })));
        assert!(!valid(json!({ "reach": { "without": ["ssm-messages"] } })));
        assert!(valid(json!({ "reach": { "bundles": ["ecr"] } })));
        assert!(!valid(json!({ "reach": { "bundles": ["ecrr"] } })));
        assert!(valid(
            json!({ "service": { "sqs": { "private_dns": false } } })
        ));
        assert!(!valid(
            json!({ "service": { "ssm-messages": { "private_dns": false } } })
        ));
    }

    #[test]
    fn a_service_with_its_own_service_name_may_be_outside_the_catalog() {
        let custom = json!({ "service_name": "com.amazonaws.us-east-1.newservice" });
        assert!(valid(json!({
            "reach": { "services": ["newservice"] },
            "service": { "newservice": custom },
        })));
        // Without one, the name must be the catalog's.
        assert!(!valid(json!({
            "reach": { "services": ["newservice"] },
            "service": { "sqs": { "private_dns": false } },
        })));
    }

    #[test]
    fn names_are_described_by_their_titles() {
        let schema: Value = serde_json::from_str(&super::super::schema()).expect("JSON");
        let names = schema["$defs"]["ServiceName"]["oneOf"].as_array().cloned();
        let names = names.unwrap_or_default();
        assert_eq!(names.len(), crate::catalog::Catalog::get().services.len());
        assert!(
            names
                .contains(&json!({ "const": "ssmmessages", "description": "AWS Systems Manager" }))
        );
    }
}
