//! The reader on small fixture documents: one per version, several files, bad references, broken documents.

use std::path::Path;

use palisade_diagnostics::render::human;
use palisade_openapi::{
    ApiKeyLocation, AuthState, Inventory, LoadOptions, Loaded, Method, OAuthFlowKind,
    ParameterLocation, SecuritySchemeKind, SensitiveCategory, SpecVersion, load, load_from_str,
    render_summary, sensitive,
};

fn load_ok(path: &str) -> Loaded {
    match load(Path::new(path), &LoadOptions::default()) {
        Ok(loaded) => loaded,
        Err(failed) => panic!("{path} failed: {:#?}", failed.diagnostics),
    }
}

/// Every diagnostic of loading `path`, rendered as a user sees it.
fn rendered(path: &str) -> String {
    let (diagnostics, sources) = match load(Path::new(path), &LoadOptions::default()) {
        Ok(l) => (l.diagnostics, l.sources),
        Err(f) => (f.diagnostics, f.sources),
    };
    diagnostics
        .iter()
        .map(|d| human(d, &sources, false))
        .collect::<Vec<_>>()
        .join("\n")
}

fn op<'s>(
    spec: &'s palisade_openapi::Spec,
    method: Method,
    path: &str,
) -> &'s palisade_openapi::Operation {
    spec.operations
        .iter()
        .find(|o| o.method == method && o.path == path)
        .unwrap_or_else(|| panic!("no {method} {path}"))
}

#[test]
fn swagger2_json_is_normalized() {
    let loaded = load_ok("tests/fixtures/petstore-2.0.json");
    assert!(loaded.diagnostics.is_empty(), "{:#?}", loaded.diagnostics);
    let spec = &loaded.spec;
    assert_eq!(spec.version, SpecVersion::Swagger2);
    let urls: Vec<_> = spec.servers.iter().map(|s| s.url.as_str()).collect();
    assert_eq!(
        urls,
        [
            "https://petstore.example.com/api",
            "http://petstore.example.com/api"
        ]
    );
    assert_eq!(spec.servers[1].scheme.as_deref(), Some("http"));
    assert_eq!(spec.info.extensions["x-owner"], "pets-team");

    assert_eq!(
        spec.security_schemes["basicAuth"].kind,
        SecuritySchemeKind::Http {
            scheme: "basic".into(),
            bearer_format: None
        }
    );
    assert_eq!(
        spec.security_schemes["api_key"].kind,
        SecuritySchemeKind::ApiKey {
            name: "X-API-Key".into(),
            location: ApiKeyLocation::Header
        }
    );
    let SecuritySchemeKind::OAuth2 { flows } = &spec.security_schemes["petstore_auth"].kind else {
        panic!("oauth2 expected");
    };
    assert_eq!(flows[0].kind, OAuthFlowKind::Implicit);
    assert_eq!(flows[0].scopes.len(), 2);
    let SecuritySchemeKind::OAuth2 { flows } = &spec.security_schemes["password_flow"].kind else {
        panic!("oauth2 expected");
    };
    assert_eq!(flows[0].kind, OAuthFlowKind::Password);

    assert_eq!(spec.operations.len(), 6);
    let list = op(spec, Method::Get, "/pets");
    assert_eq!(list.security.state(), AuthState::Required);
    assert!(!list.security.declared_on_operation);
    assert_eq!(list.security.scheme_names(), ["api_key"]);
    let limit = &list.parameters[0];
    assert_eq!(
        (limit.name.as_str(), limit.r#in),
        ("limit", ParameterLocation::Query)
    );
    let limit_schema = spec.schemas.get(limit.schema.unwrap()).unwrap();
    assert_eq!(limit_schema.maximum, Some(100.0));
    let ok = &list.responses["200"];
    assert!(ok.content.contains_key("application/json"));
    assert!(ok.headers.contains_key("X-Rate-Limit"));
    let array = spec
        .schemas
        .get(ok.content["application/json"].schema.unwrap())
        .unwrap();
    assert_eq!(array.items, Some(spec.named_schemas["Pet"]));

    let add = op(spec, Method::Post, "/pets");
    assert!(add.security.declared_on_operation);
    let body = add.request_body.as_ref().unwrap();
    assert!(body.required);
    assert_eq!(
        body.content["application/json"].schema,
        Some(spec.named_schemas["Pet"])
    );

    let get = op(spec, Method::Get, "/pets/{petId}");
    assert_eq!(get.security.state(), AuthState::None);
    assert!(get.security.declared_on_operation);
    assert_eq!(get.parameters[0].name, "petId");
    assert!(get.parameters[0].from_path_item);

    let delete = op(spec, Method::Delete, "/pets/{petId}");
    assert!(delete.deprecated);
    assert_eq!(
        delete.security.scheme_names(),
        ["basicAuth", "password_flow"]
    );

    let upload = op(spec, Method::Post, "/pets/{petId}/photo");
    let form = upload.request_body.as_ref().unwrap();
    let form_schema = spec
        .schemas
        .get(form.content["multipart/form-data"].schema.unwrap())
        .unwrap();
    assert_eq!(
        form_schema.properties.keys().collect::<Vec<_>>(),
        ["file", "caption"]
    );
    assert_eq!(form_schema.required, ["file"]);
    let caption = spec
        .schemas
        .get(form_schema.properties["caption"].schema)
        .unwrap();
    assert_eq!(caption.max_length, Some(140));

    let login = op(spec, Method::Get, "/users/login");
    let found = sensitive::sensitive_parameters(spec);
    assert!(found.iter().any(|p| p.operation.path == login.path
        && p.parameter.name == "password"
        && p.category == SensitiveCategory::Credentials));

    let pet = spec.schemas.get(spec.named_schemas["Pet"]).unwrap();
    assert_eq!(pet.name.as_deref(), Some("Pet"));
    assert!(pet.properties["name"].required);
    assert_eq!(pet.extensions["x-entity"], true);
    assert_eq!(pet.location.line(), 90);
    let id = spec.schemas.get(pet.properties["id"].schema).unwrap();
    assert!(id.read_only);
    assert_eq!(pet.properties["owner"].schema, spec.named_schemas["Owner"]);
}

#[test]
fn openapi30_yaml_is_normalized() {
    let loaded = load_ok("tests/fixtures/shop-3.0.yaml");
    assert!(loaded.diagnostics.is_empty(), "{:#?}", loaded.diagnostics);
    let spec = &loaded.spec;
    assert_eq!(spec.version, SpecVersion::OpenApi30);
    assert_eq!(spec.servers[0].scheme.as_deref(), Some("https"));
    assert_eq!(
        spec.servers[0].variables["scheme"].enum_values,
        ["https", "http"]
    );
    assert_eq!(
        spec.security_schemes["bearerAuth"].kind,
        SecuritySchemeKind::Http {
            scheme: "bearer".into(),
            bearer_format: Some("JWT".into())
        }
    );
    assert_eq!(
        spec.security_schemes["sessionCookie"].kind,
        SecuritySchemeKind::ApiKey {
            name: "SESSION".into(),
            location: ApiKeyLocation::Cookie
        }
    );
    assert!(matches!(
        spec.security_schemes["oidc"].kind,
        SecuritySchemeKind::OpenIdConnect { .. }
    ));

    let categories = op(spec, Method::Get, "/v1/categories");
    assert_eq!(categories.security.state(), AuthState::Optional);
    assert_eq!(categories.parameters[0].name, "page");
    let v2 = op(spec, Method::Get, "/v2/categories");
    assert_eq!(v2.security.state(), AuthState::Required);
    assert_eq!(v2.security.scheme_names(), ["bearerAuth", "sessionCookie"]);
    assert!(v2.responses["200"].content.contains_key("application/json"));

    let create = op(spec, Method::Post, "/v1/orders");
    assert_eq!(create.parameters[0].r#in, ParameterLocation::Header);
    assert_eq!(create.extensions["x-rate-limit"], 10);
    let body = create.request_body.as_ref().unwrap();
    assert!(body.required);
    assert_eq!(body.content.len(), 2);
    assert_eq!(create.callbacks.len(), 1);
    assert_eq!(
        create.callbacks[0].expression,
        "{$request.body#/callbackUrl}"
    );
    assert_eq!(
        create.callbacks[0].operations[0].operation_id.as_deref(),
        Some("orderStatusCallback")
    );
    assert!(create.responses["201"].headers.contains_key("Location"));

    let get = op(spec, Method::Get, "/v1/orders/{orderId}");
    assert!(get.deprecated);
    assert_eq!(get.parameters[1].r#in, ParameterLocation::Cookie);
    assert_eq!(
        op(spec, Method::Get, "/health").security.state(),
        AuthState::None
    );

    // The recursive schema: every `$ref` to Category is the same id.
    let category_id = spec.named_schemas["Category"];
    let category = spec.schemas.get(category_id).unwrap();
    assert_eq!(category.properties["parent"].schema, category_id);
    let children = spec
        .schemas
        .get(category.properties["children"].schema)
        .unwrap();
    assert_eq!(children.items, Some(category_id));
    let paths: Vec<String> = spec
        .schemas
        .deep_properties(category_id)
        .into_iter()
        .map(|p| p.path)
        .collect();
    assert_eq!(paths, ["name", "parent", "children"]);

    // allOf, nested refs and shared schemas.
    let order_id = spec.named_schemas["Order"];
    let deep = spec.schemas.deep_properties(order_id);
    let paths: Vec<&str> = deep.iter().map(|p| p.path.as_str()).collect();
    for expected in [
        "id",
        "created_at",
        "items",
        "items[].sku",
        "card.cardNumber",
        "card.cvv",
        "shipping_address.street",
        "billing_address.zip_code",
    ] {
        assert!(paths.contains(&expected), "{expected} not in {paths:?}");
    }
    let cvv = deep.iter().find(|p| p.path == "card.cvv").unwrap();
    assert_eq!(cvv.location.line(), 183);
    let order = spec.schemas.get(order_id).unwrap();
    assert_eq!(order.extensions["x-pii"], true);
    let price = deep.iter().find(|p| p.path == "items[].price").unwrap();
    assert!(price.schema.exclusive_minimum);
    let note = deep.iter().find(|p| p.path == "note").unwrap();
    assert!(note.schema.nullable);
    let address = spec.schemas.get(spec.named_schemas["Address"]).unwrap();
    assert_eq!(
        address.additional_properties,
        Some(palisade_openapi::AdditionalProperties::Allowed(false))
    );

    let found: Vec<(&str, SensitiveCategory)> = sensitive::sensitive_properties(spec)
        .iter()
        .map(|p| (p.name, p.category))
        .collect();
    for expected in [
        ("cardNumber", SensitiveCategory::Payment),
        ("cvv", SensitiveCategory::Payment),
        ("holder_email", SensitiveCategory::Pii),
        ("shipping_address", SensitiveCategory::Pii),
        ("street", SensitiveCategory::Pii),
        ("phone", SensitiveCategory::Pii),
    ] {
        assert!(found.contains(&expected), "{expected:?} not in {found:?}");
    }
    assert!(!found.iter().any(|(n, _)| *n == "name" || *n == "sku"));

    // The distinct walk lists a shared schema's properties once, under the shortest path, and
    // carries the category computed when the document was read.
    let distinct = spec.schemas.distinct_properties(order_id, 16);
    let streets: Vec<&str> = distinct
        .iter()
        .filter(|p| p.name == "street")
        .map(|p| p.path.as_str())
        .collect();
    assert_eq!(streets.len(), 1, "{streets:?}");
    assert!(deep.iter().filter(|p| p.name == "street").count() >= 2);
    let cvv = distinct.iter().find(|p| p.name == "cvv").unwrap();
    assert_eq!(cvv.path, "card.cvv");
    assert_eq!(cvv.sensitive, Some(SensitiveCategory::Payment));
    let recursive: Vec<String> = spec
        .schemas
        .distinct_properties(category_id, 16)
        .into_iter()
        .map(|p| p.path)
        .collect();
    assert_eq!(recursive, ["name", "parent", "children"]);
}

#[test]
fn openapi31_yaml_is_normalized() {
    let loaded = load_ok("tests/fixtures/webhooks-3.1.yaml");
    assert!(loaded.diagnostics.is_empty(), "{:#?}", loaded.diagnostics);
    let spec = &loaded.spec;
    assert_eq!(spec.version, SpecVersion::OpenApi31);
    assert_eq!(spec.webhooks.len(), 1);
    assert_eq!(spec.webhooks[0].path, "newPet");
    assert_eq!(spec.webhooks[0].method, Method::Post);
    assert_eq!(
        spec.security_schemes["mtls"].kind,
        SecuritySchemeKind::MutualTls
    );
    let get = op(spec, Method::Get, "/pets/{id}");
    assert_eq!(get.security.scheme_names(), ["mtls"]);
    let id = spec.schemas.get(get.parameters[0].schema.unwrap()).unwrap();
    assert_eq!(id.types, ["integer"]);
    assert!(id.nullable);
    assert_eq!((id.minimum, id.exclusive_minimum), (Some(0.0), true));
    // A `$ref` with siblings in 3.1 is a schema of its own that includes the target.
    let response = spec
        .schemas
        .get(
            get.responses["200"].content["application/json"]
                .schema
                .unwrap(),
        )
        .unwrap();
    assert_eq!(response.all_of, [spec.named_schemas["Pet"]]);
    assert!(response.read_only);
    let pet = spec.schemas.get(spec.named_schemas["Pet"]).unwrap();
    let kind = spec.schemas.get(pet.properties["kind"].schema).unwrap();
    assert_eq!(kind.const_value, Some(serde_json::json!("dog")));
    let tags = spec.schemas.get(pet.properties["tags"].schema).unwrap();
    assert_eq!(
        (tags.types.as_slice(), tags.nullable, tags.max_items),
        (&["array".to_owned()][..], true, Some(20))
    );
    let event = spec.schemas.get(spec.named_schemas["PetEvent"]).unwrap();
    assert_eq!(event.properties["pet"].schema, spec.named_schemas["Pet"]);
}

#[test]
fn references_across_files_resolve_with_locations() {
    let loaded = load_ok("tests/fixtures/multi/openapi.yaml");
    assert!(loaded.diagnostics.is_empty(), "{:#?}", loaded.diagnostics);
    let spec = &loaded.spec;
    assert_eq!(
        spec.files.iter().map(|f| &**f).collect::<Vec<_>>(),
        [
            "tests/fixtures/multi/openapi.yaml",
            "tests/fixtures/multi/common.yaml",
            "tests/fixtures/multi/schemas/owner.json",
            "tests/fixtures/multi/paths/pet.yaml",
            "tests/fixtures/multi/schemas/pet.yaml",
        ]
    );
    let owners = op(spec, Method::Get, "/owners");
    let limit = &owners.parameters[0];
    assert_eq!(limit.name, "limit");
    assert_eq!(&*limit.location.file, "tests/fixtures/multi/common.yaml");
    assert_eq!(limit.location.line(), 4);
    let error = &owners.responses["default"];
    let error_schema = spec
        .schemas
        .get(error.content["application/json"].schema.unwrap())
        .unwrap();
    assert!(error_schema.properties.contains_key("trace~id"));

    let owner_id = spec.named_schemas["Owner"];
    let owner = spec.schemas.get(owner_id).unwrap();
    assert_eq!(
        &*owner.location.file,
        "tests/fixtures/multi/schemas/owner.json"
    );
    assert_eq!(owner.properties["email"].location.line(), 5);
    let items = spec
        .schemas
        .get(
            spec.schemas
                .get(
                    owners.responses["200"].content["application/json"]
                        .schema
                        .unwrap(),
                )
                .unwrap()
                .items
                .unwrap(),
        )
        .unwrap();
    assert_eq!(
        items.id, owner_id,
        "both references to owner.json share one schema"
    );
    let odd = spec.schemas.get(owner.properties["odd"].schema).unwrap();
    assert_eq!(odd.types, ["string"]);

    // pet.yaml ↔ owner.json refer to each other: a cycle across files.
    let pets = spec.schemas.get(owner.properties["pets"].schema).unwrap();
    let pet = spec.schemas.get(pets.items.unwrap()).unwrap();
    assert_eq!(pet.properties["owner"].schema, owner_id);
    let deep: Vec<String> = spec
        .schemas
        .deep_properties(owner_id)
        .into_iter()
        .map(|p| p.path)
        .collect();
    assert_eq!(
        deep,
        [
            "name",
            "email",
            "pets",
            "pets[].name",
            "pets[].owner",
            "odd"
        ]
    );

    let get_pet = op(spec, Method::Get, "/pets/{petId}");
    assert_eq!(
        &*get_pet.location.file,
        "tests/fixtures/multi/paths/pet.yaml"
    );
    assert_eq!(get_pet.location.line(), 1);
}

#[test]
fn text_without_a_root_does_not_follow_file_references() {
    let text =
        "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    $ref: 'other.yaml'\n";
    let loaded = load_from_str("api.yaml", text, &LoadOptions::default()).unwrap();
    assert_eq!(loaded.spec.operations.len(), 0);
    assert_eq!(loaded.diagnostics.len(), 1);
    assert_eq!(
        loaded.diagnostics[0].code,
        palisade_openapi::codes::REF_FILE_UNREADABLE
    );

    let options = LoadOptions {
        root: Some("tests/fixtures/multi".into()),
        ..LoadOptions::default()
    };
    let text = "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths:\n  /p:\n    $ref: 'paths/pet.yaml'\n";
    let loaded = load_from_str("api.yaml", text, &options).unwrap();
    assert_eq!(loaded.spec.operations.len(), 1, "{:#?}", loaded.diagnostics);
}

#[cfg(unix)]
#[test]
fn symlinks_out_of_the_root_are_refused() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.yaml"), "Pet: {type: object}\n").unwrap();
    let root = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("secret.yaml"),
        root.path().join("link.yaml"),
    )
    .unwrap();
    std::fs::write(
        root.path().join("api.yaml"),
        "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: x\n          content:\n            application/json:\n              schema: {$ref: 'link.yaml#/Pet'}\n",
    )
    .unwrap();
    let loaded = load(&root.path().join("api.yaml"), &LoadOptions::default()).unwrap();
    assert_eq!(loaded.spec.files.len(), 1);
    assert_eq!(loaded.diagnostics.len(), 1, "{:#?}", loaded.diagnostics);
    assert_eq!(
        loaded.diagnostics[0].code,
        palisade_openapi::codes::REF_OUTSIDE_ROOT
    );
    assert!(loaded.diagnostics[0].message.contains("symbolic link"));
}

#[test]
fn remote_references_are_not_fetched_even_when_allowed() {
    let text = "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    $ref: 'https://example.com/a.yaml'\n";
    let options = LoadOptions {
        allow_remote_refs: true,
        ..LoadOptions::default()
    };
    let loaded = load_from_str("api.yaml", text, &options).unwrap();
    assert_eq!(
        loaded.diagnostics[0].code,
        palisade_openapi::codes::REF_REMOTE
    );
    assert!(loaded.diagnostics[0].message.contains("not fetched"));
}

#[test]
fn bad_references_are_reported_at_the_reference() {
    insta::assert_snapshot!(rendered("tests/fixtures/refs/bad-refs.yaml"));
}

#[test]
fn broken_operations_do_not_stop_the_others() {
    let loaded = load_ok("tests/fixtures/broken/bad-operations.yaml");
    let ids: Vec<_> = loaded
        .spec
        .operations
        .iter()
        .map(palisade_openapi::Operation::address)
        .collect();
    assert_eq!(ids, ["GET /good", "POST /bad-params", "GET no-slash"]);
    let bad = &loaded.spec.operations[1];
    assert_eq!(
        bad.parameters.len(),
        1,
        "the nameless and the formData parameters are skipped"
    );
    insta::assert_snapshot!(rendered("tests/fixtures/broken/bad-operations.yaml"));
}

#[test]
fn broken_documents_fail_with_clear_errors() {
    for name in [
        "truncated.json",
        "paths-list.yaml",
        "tabs.yaml",
        "no-version.yaml",
        "unknown-version.yaml",
        "not-openapi.yaml",
    ] {
        let path = format!("tests/fixtures/broken/{name}");
        let failed = load(Path::new(&path), &LoadOptions::default())
            .err()
            .unwrap_or_else(|| panic!("{name} should fail"));
        assert!(
            failed
                .diagnostics
                .iter()
                .any(palisade_openapi::Diagnostic::is_error),
            "{name}"
        );
        insta::assert_snapshot!(name, rendered(&path));
    }
}

#[test]
fn numeric_versions_are_warnings() {
    let loaded = load_ok("tests/fixtures/broken/numeric-version.yaml");
    assert_eq!(loaded.spec.version, SpecVersion::OpenApi30);
    assert_eq!(loaded.spec.info.version.as_deref(), Some("1.1"));
    insta::assert_snapshot!(rendered("tests/fixtures/broken/numeric-version.yaml"));
}

#[test]
fn inventory_json_and_summary() {
    let loaded = load_ok("tests/fixtures/shop-3.0.yaml");
    let inventory = Inventory::of(&loaded.spec);
    assert_eq!(
        (
            inventory.secured,
            inventory.optional_auth,
            inventory.unsecured
        ),
        (3, 1, 1)
    );
    let json = serde_json::to_value(&inventory).unwrap();
    let first = &json["operations"][0];
    assert_eq!(first["method"], "GET");
    assert_eq!(first["path"], "/v1/categories");
    assert_eq!(first["location"]["line"], 22);
    insta::assert_json_snapshot!(json);
    insta::assert_snapshot!(render_summary(&inventory));
}

#[test]
fn swagger2_inventory_summary() {
    let loaded = load_ok("tests/fixtures/petstore-2.0.json");
    insta::assert_snapshot!(render_summary(&Inventory::of(&loaded.spec)));
}
