// The hosted-zones hub and its spokes (tests/cases/hub-hosted-zones, built
// together), deployed on moto by Terraform and read back through Route 53
// and EC2; `include!`d by tests/e2e.rs. A network root makes each spec's
// VPC, subnets and route tables; the specs are copied with the emulator's
// IDs for their literal ones and built together; one root calls the three
// modules, each spoke's `hub_zone_<ident>` input being the hub module's
// output of that name (so Terraform applies the hub first). Checked: each
// VPC's endpoints are its model's; each zone is associated with the hub's
// and every spoke's VPC; each apex and wildcard record aliases its
// endpoint's first DNS name; the hub's endpoint group admits each spoke's
// CIDR on 443. moto lacks the hub's VPC association authorizations (the
// launcher stubs them, see tests/e2e/moto_launcher.py), so those are
// checked in `plan_what_the_emulator_lacks` only.

const HUB_CASE: &str = "tests/cases/hub-hosted-zones/";

/// The Terraform models of specs built together.
fn build_models(specs: &[PathBuf]) -> Vec<Model> {
    let c = vpcegen::compile(specs, Some(Target::Terraform), false);
    assert!(
        c.ok(),
        "{specs:?}:\n{}",
        c.diagnostics.render(&c.sources, false)
    );
    c.models().expect("models")
}

/// A provider (and its AZs) in `region`, every call to moto.
fn moto_root(moto: &str, region: &str) -> serde_json::Map<String, Json> {
    let root = json!({
        "terraform": { "required_providers": {
            "aws": { "source": "hashicorp/aws", "version": PROVIDER_VERSION }
        }},
        "provider": { "aws": {
            "region": region, "access_key": "test", "secret_key": "test",
            "skip_credentials_validation": true, "skip_metadata_api_check": true,
            "skip_requesting_account_id": true, "skip_region_validation": true,
            "endpoints": { "ec2": moto, "sts": moto, "iam": moto, "route53": moto },
        }},
        "data": { "aws_availability_zones": { "azs": { "state": "available" } } },
    });
    root.as_object().cloned().unwrap_or_default()
}

/// Applies `root` in `dir` and returns its outputs' values.
fn apply_root(dir: &Path, cli_config: &Path, root: serde_json::Map<String, Json>) -> Json {
    write(
        &dir.join("main.tf.json"),
        &serde_json::to_string_pretty(&root).unwrap(),
    );
    let tf = Terraform {
        dir: dir.to_path_buf(),
        cli_config: cli_config.to_path_buf(),
    };
    tf.run(&["init", "-input=false", "-no-color"]);
    tf.run(&["apply", "-auto-approve", "-input=false", "-no-color"]);
    let o = tf.run(&["output", "-json"]);
    let v: Json = serde_json::from_slice(&o.stdout).expect("terraform output -json is JSON");
    let values = v
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, o)| (k.clone(), o["value"].clone()));
    Json::Object(values.collect())
}

/// The `vpc.cidr` each spec writes (a spoke's model keeps none when no
/// rule of its own needs it).
fn spec_cidrs(specs: &[PathBuf]) -> Vec<String> {
    specs
        .iter()
        .map(|p| {
            let t = read_toml(p);
            let cidr = t.get("vpc").and_then(|v| v.get("cidr"));
            let cidr = cidr.and_then(|c| c.as_str());
            cidr.unwrap_or_else(|| panic!("{}: no literal vpc.cidr", p.display()))
                .to_string()
        })
        .collect()
}

/// Each model's network: its VPC (the spec's CIDR), one subnet per literal
/// subnet in distinct AZs, one route table per literal route table.
fn hub_networks(
    dir: &Path,
    cli_config: &Path,
    moto: &str,
    models: &[Model],
    cidrs: &[String],
) -> Vec<Network> {
    let region = models[0].region.clone().unwrap_or(DEFAULT_REGION.into());
    let mut root = moto_root(moto, &region);
    let mut resources: BTreeMap<&str, serde_json::Map<String, Json>> = BTreeMap::new();
    let mut outputs = serde_json::Map::new();
    for (i, m) in models.iter().enumerate() {
        let ids = literal_ids(m);
        let count = |kind: &str| ids.iter().filter(|(k, _)| *k == kind).count();
        let cidr = vpc_cidr_within(&cidrs[i], &m.name);
        let vpc = format!("m{i}");
        let mut blocks = cidr.parse::<ipnet::Ipv4Net>().unwrap().subnets(24).unwrap();
        resources.entry("aws_vpc").or_default().insert(
            vpc.clone(),
            json!({ "cidr_block": cidr, "enable_dns_support": true, "enable_dns_hostnames": true }),
        );
        let vpc_id = tf_ref(&format!("aws_vpc.{vpc}.id"));
        let subnets: Vec<Json> = (0..count("subnet"))
            .map(|j| {
                resources.entry("aws_subnet").or_default().insert(
                    format!("{vpc}_{j}"),
                    json!({
                        "vpc_id": vpc_id, "cidr_block": blocks.next().unwrap().to_string(),
                        "availability_zone": tf_ref(&format!("data.aws_availability_zones.azs.names[{j}]")),
                    }),
                );
                tf_ref(&format!("aws_subnet.{vpc}_{j}.id"))
            })
            .collect();
        // A gateway endpoint without literal route tables takes them as an
        // input: one table for it.
        let rtb_input = m.inputs.iter().any(|i| i.kind == InputKind::RouteTableIds);
        let tables: Vec<Json> = (0..count("rtb").max(usize::from(rtb_input)))
            .map(|j| {
                resources
                    .entry("aws_route_table")
                    .or_default()
                    .insert(format!("{vpc}_{j}"), json!({ "vpc_id": vpc_id }));
                tf_ref(&format!("aws_route_table.{vpc}_{j}.id"))
            })
            .collect();
        outputs.insert(
            vpc,
            json!({ "value": { "vpc_id": vpc_id, "cidr": cidr, "subnet_ids": subnets, "route_table_ids": tables } }),
        );
    }
    root.insert("resource".into(), json!(resources));
    root.insert("output".into(), Json::Object(outputs));
    let out = apply_root(dir, cli_config, root);
    (0..models.len())
        .map(|i| network_of(&out[format!("m{i}")]))
        .collect()
}

fn network_of(n: &Json) -> Network {
    let strs = |v: &Json| -> Vec<String> {
        v.as_array()
            .into_iter()
            .flatten()
            .filter_map(|x| x.as_str().map(String::from))
            .collect()
    };
    Network {
        vpc_id: n["vpc_id"].as_str().unwrap_or_default().into(),
        cidr: n["cidr"].as_str().unwrap_or_default().into(),
        subnet_ids: strs(&n["subnet_ids"]),
        route_table_ids: strs(&n["route_table_ids"]),
        security_group_ids: Vec::new(),
        lb_arns: BTreeMap::new(),
        lb_literal_arns: Vec::new(),
        service_names: BTreeMap::new(),
    }
}

fn module_ident(m: &Model) -> String {
    m.name.replace('-', "_")
}

/// One root calling every module built in `built`; a spoke's zone inputs
/// are the hub module's outputs of the same names. Returns each module's
/// outputs by model name.
fn hub_modules(
    dir: &Path,
    cli_config: &Path,
    moto: &str,
    built: &Path,
    models: &[Model],
    nets: &[Network],
) -> Json {
    let region = models[0].region.clone().unwrap_or(DEFAULT_REGION.into());
    let hub = models
        .iter()
        .find(|m| m.hub.is_some())
        .expect("the case has a hub");
    let mut modules = serde_json::Map::new();
    let mut outputs = serde_json::Map::new();
    for (m, net) in models.iter().zip(nets) {
        let mut call = serde_json::Map::new();
        let source = built.join(&m.name).join("terraform");
        call.insert("source".into(), json!(source.to_string_lossy()));
        for input in &m.inputs {
            let value = match input.kind {
                InputKind::HostedZoneId => {
                    tf_ref(&format!("module.{}.{}", module_ident(hub), input.name))
                }
                InputKind::RouteTableIds => json!(net.route_table_ids),
                other => panic!("{}: input {} ({other:?}) is not wired", m.name, input.name),
            };
            call.insert(input.name.clone(), value);
        }
        modules.insert(module_ident(m), Json::Object(call));
        let value = tf_ref(&format!("module.{}", module_ident(m)));
        outputs.insert(m.name.clone(), json!({ "value": value }));
    }
    let mut root = moto_root(moto, &region);
    root.insert("module".into(), Json::Object(modules));
    root.insert("output".into(), Json::Object(outputs));
    apply_root(dir, cli_config, root)
}

/// The VPCs' endpoints and the hub's zones, through the emulator's API.
fn read_hub_back(tmp: &Path, moto: &str, models: &[Model], nets: &[Network], out: &Json) -> Json {
    let region = models[0].region.clone().unwrap_or(DEFAULT_REGION.into());
    let vpcs: Vec<Json> = models
        .iter()
        .zip(nets)
        .map(|(m, n)| json!({ "key": m.name, "region": region, "vpc_id": n.vpc_id }))
        .collect();
    let hub = models.iter().find(|m| m.hub.is_some()).unwrap();
    let zones: Vec<Json> = hub.hub.iter().flat_map(|h| &h.zones).map(|z| {
        let id = &out[&hub.name][vpcegen::model::zone_input(&z.ident)];
        json!({ "key": z.ident, "region": region, "zone_id": id })
    }).collect();
    let job = tmp.join("hub-job.json");
    let body = json!({ "endpoint": moto, "stacks": [], "vpcs": vpcs, "zones": zones });
    write(&job, &body.to_string());
    let o = run(
        Command::new("python3")
            .arg(root().join("tests/e2e/cfn_deploy.py"))
            .arg(&job),
        "python3 tests/e2e/cfn_deploy.py (hub read-back)",
    );
    serde_json::from_slice(&o.stdout).expect("cfn_deploy.py prints JSON")
}

#[test]
#[ignore = "needs terraform and moto: run scripts/test"]
fn hub_hosted_zones_on_moto() {
    check_tools();
    let scratch = Scratch::new();
    let tmp = scratch.path().to_path_buf();
    let moto = Moto::start(&tmp);
    let cli_config = mirror_cli_config(&tmp);
    let specs: Vec<PathBuf> = case_specs(HUB_CASE).into_iter().map(PathBuf::from).collect();
    let models = build_models(&specs);
    let cidrs = spec_cidrs(&specs);
    let nets = hub_networks(&tmp.join("net"), &cli_config, &moto.url, &models, &cidrs);
    let copies: Vec<PathBuf> = specs
        .iter()
        .zip(&models)
        .zip(&nets)
        .map(|((spec, m), n)| rewrite_literal_spec(spec, m, n, &tmp.join("specs")))
        .collect();
    let built = tmp.join("tf");
    let mut args = vec!["build".to_string(), "--out".into(), built.to_string_lossy().into()];
    args.extend(copies.iter().map(|c| c.to_string_lossy().into_owned()));
    args.extend(AWS_PROVIDER_ARGS.map(String::from));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    run(&mut vpcegen(&args), "vpcegen build (the hub case, emulator IDs)");
    let models = build_models(&copies);
    let out = hub_modules(
        &tmp.join("root"),
        &cli_config,
        &moto.url,
        &built,
        &models,
        &nets,
    );
    let api = read_hub_back(&tmp, &moto.url, &models, &nets, &out);
    let mut problems = Vec::new();
    hub_endpoints_deployed(&models, &api, &mut problems);
    hub_zones_deployed(&models, &nets, &out, &api, &mut problems);
    assert!(problems.is_empty(), "{}:\n  - {}", HUB_CASE, problems.join("\n  - "));
    eprintln!("{HUB_CASE}: deployed on moto; endpoints, zone associations, alias records and the hub's group checked");
    drop(moto);
}

/// Each VPC has its model's endpoints (a spoke none for what the hub
/// shares; the hub's shared ones without private DNS).
fn hub_endpoints_deployed(models: &[Model], api: &Json, problems: &mut Vec<String>) {
    for m in models {
        let region = m.region.as_deref().unwrap_or(DEFAULT_REGION);
        let want = expected(m, region, &BTreeMap::new());
        let found = observed(api["endpoints"][&m.name].as_array().map_or(&[], Vec::as_slice));
        if found != want {
            problems.push(format!("{}: endpoints{}", m.name, diff("moto", &found, "model", &want)));
        }
    }
}

/// Each zone: associated with every VPC of the build; each record an alias
/// of its endpoint's first DNS name; the hub's group admits each spoke.
fn hub_zones_deployed(
    models: &[Model],
    nets: &[Network],
    out: &Json,
    api: &Json,
    problems: &mut Vec<String>,
) {
    let i = models.iter().position(|m| m.hub.is_some()).unwrap();
    let hub = models[i].hub.as_ref().unwrap();
    let hub_out = &out[&models[i].name];
    let endpoints = api["endpoints"][&models[i].name]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let mut all_vpcs: Vec<&str> = nets.iter().map(|n| n.vpc_id.as_str()).collect();
    all_vpcs.sort_unstable();
    for z in &hub.zones {
        let zone = &api["zones"][&z.ident];
        if zone["vpcs"] != json!(all_vpcs) {
            problems.push(format!(
                "zone {} is associated with {}, not {all_vpcs:?}",
                z.name, zone["vpcs"]
            ));
        }
        let id = &hub_out[format!("{}_endpoint_id", z.endpoint)];
        let endpoint = endpoints.iter().find(|e| &e["id"] == id);
        let dns = endpoint.and_then(|e| e["dns_name"].as_str());
        records_deployed(z, zone, dns, problems);
    }
    let spokes = nets.iter().enumerate().filter(|(j, _)| *j != i);
    for (j, n) in spokes {
        hub_group_admits(&endpoints, &models[j].name, &n.cidr, problems);
    }
}

/// Each of the zone's records (apex, wildcard; A, AAAA) aliases `dns`.
fn records_deployed(z: &HostedZone, zone: &Json, dns: Option<&str>, problems: &mut Vec<String>) {
    let records = zone["records"].as_array().cloned().unwrap_or_default();
    // Route 53 answers `*` as `\052`.
    let name_of = |x: &Json| x["name"].as_str().unwrap_or_default().replace("\\052", "*");
    for r in &z.records {
        let fqdn = match r.as_str() {
            "" => format!("{}.", z.name),
            r => format!("{r}.{}.", z.name),
        };
        for t in &z.record_types {
            let rec = records
                .iter()
                .find(|x| name_of(x) == fqdn && x["type"] == *t);
            let alias = rec.and_then(|x| x["alias"].as_str());
            if dns.is_none() || alias.map(|a| a.trim_end_matches('.')) != dns {
                problems.push(format!(
                    "{fqdn} {t} aliases {alias:?}, not its endpoint's first DNS name {dns:?} (records: {records:?})"
                ));
            }
        }
    }
}

/// The hub's endpoints' group admits a spoke's CIDR on 443.
fn hub_group_admits(endpoints: &[Json], spoke: &str, cidr: &str, problems: &mut Vec<String>) {
    let rule = format!("tcp:443-443:{cidr}");
    for e in endpoints.iter().filter(|e| e["type"] == "Interface") {
        let ingress = e["ingress"].as_array().cloned().unwrap_or_default();
        if !ingress.contains(&json!(rule)) {
            problems.push(format!(
                "hub endpoint {} does not admit {spoke} ({rule}): {ingress:?}",
                e["service_name"]
            ));
        }
    }
}
