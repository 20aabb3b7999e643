//! The built-in PrivateLink catalog (`data/aws-privatelink-services.toml`),
//! embedded in the binary and parsed once per process.

use serde::Deserialize;
use std::collections::HashMap;
use std::sync::OnceLock;

const CATALOG_TOML: &str = include_str!("../data/aws-privatelink-services.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Service {
    pub suffix: String,
    pub title: String,
    pub types: Vec<String>,
    pub name_format: Option<String>,
    pub port: Option<u16>,
    #[serde(default)]
    pub extra_ports: Vec<u16>,
    #[serde(default)]
    pub fips: bool,
    pub private_dns: Option<bool>,
    pub endpoint_policy: Option<bool>,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub source: String,
    pub note: Option<String>,
}

impl Service {
    pub fn has_gateway(&self) -> bool {
        self.types.iter().any(|t| t == "Gateway")
    }
    pub fn has_interface(&self) -> bool {
        self.types.iter().any(|t| t == "Interface")
    }
    /// Main port first, then the others, without repeats.
    pub fn ports(&self) -> Vec<u16> {
        let mut ports = vec![self.port.unwrap_or(443)];
        for p in &self.extra_ports {
            if !ports.contains(p) {
                ports.push(*p);
            }
        }
        ports
    }
    pub fn supports_private_dns(&self) -> bool {
        self.private_dns != Some(false)
    }
    pub fn supports_policy(&self) -> bool {
        self.endpoint_policy != Some(false)
    }
    /// The endpoint service name with `{region}` standing for the Region;
    /// `None` for names that need more than the Region (cell-based ones).
    pub fn name_pattern(&self) -> Option<String> {
        match &self.name_format {
            Some(f) if f.contains("{cell}") => None,
            Some(f) => Some(f.clone()),
            None => Some(format!("com.amazonaws.{{region}}.{}", self.suffix)),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bundle {
    pub name: String,
    pub services: Vec<String>,
    #[serde(default)]
    pub optional: Vec<String>,
    pub reason: String,
    pub source: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalog {
    #[serde(rename = "service")]
    pub services: Vec<Service>,
    #[serde(rename = "bundle")]
    pub bundles: Vec<Bundle>,
    #[serde(skip)]
    index: HashMap<String, usize>,
}

impl Catalog {
    pub fn get() -> &'static Catalog {
        static CATALOG: OnceLock<Catalog> = OnceLock::new();
        CATALOG.get_or_init(|| {
            let mut c: Catalog =
                toml::from_str(CATALOG_TOML).expect("the embedded catalog is valid (tested)");
            c.index = c
                .services
                .iter()
                .enumerate()
                .map(|(i, s)| (s.suffix.clone(), i))
                .collect();
            c
        })
    }

    pub fn service(&self, name: &str) -> Option<&Service> {
        self.index.get(name).map(|&i| &self.services[i])
    }

    pub fn bundle(&self, name: &str) -> Option<&Bundle> {
        self.bundles.iter().find(|b| b.name == name)
    }

    /// The catalog name a misspelt or aliased service most likely means.
    pub fn suggest_service(&self, word: &str) -> Option<&str> {
        if let Some(s) = self
            .services
            .iter()
            .find(|s| s.aliases.iter().any(|a| a == word))
        {
            return Some(&s.suffix);
        }
        crate::diagnostic::did_you_mean(word, self.services.iter().map(|s| s.suffix.as_str()))
    }

    pub fn suggest_bundle(&self, word: &str) -> Option<&str> {
        crate::diagnostic::did_you_mean(word, self.bundles.iter().map(|b| b.name.as_str()))
    }
}
