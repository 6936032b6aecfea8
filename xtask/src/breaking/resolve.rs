//! `$ref` resolution inside one spec (local `#/components/...` references only).

use openapiv3::{Header, OpenAPI, Parameter, ReferenceOr, RequestBody, Response, Schema};

/// Looks a local reference up; `Err` names the reference that did not resolve.
fn lookup<'a, T: 'a>(
    reference: &str,
    section: &str,
    get: impl FnOnce(&str) -> Option<(&'a String, &'a ReferenceOr<T>)>,
) -> Result<(&'a ReferenceOr<T>, &'a str), String> {
    let prefix = format!("#/components/{section}/");
    let name = reference
        .strip_prefix(&prefix)
        .ok_or_else(|| format!("unsupported $ref `{reference}` (expected `{prefix}<name>`)"))?;
    get(name)
        .map(|(k, v)| (v, k.as_str()))
        .ok_or_else(|| format!("$ref `{reference}` does not resolve"))
}

/// Follows `$ref` chains of one component section, with a hop limit against cycles.
macro_rules! resolver {
    ($fn_name:ident, $ty:ty, $section:literal, $field:ident) => {
        /// Resolves a reference (or passes an inline item through).
        pub fn $fn_name<'a>(
            spec: &'a OpenAPI,
            item: &'a ReferenceOr<$ty>,
        ) -> Result<&'a $ty, String> {
            let mut current = item;
            for _ in 0..32 {
                match current {
                    ReferenceOr::Item(it) => return Ok(it),
                    ReferenceOr::Reference { reference } => {
                        let get = |name: &str| spec.components.as_ref()?.$field.get_key_value(name);
                        current = lookup(reference, $section, get)?.0;
                    }
                }
            }
            Err(concat!("$ref cycle among components.", $section).to_owned())
        }
    };
}

resolver!(parameter, Parameter, "parameters", parameters);
resolver!(request_body, RequestBody, "requestBodies", request_bodies);
resolver!(response, Response, "responses", responses);
resolver!(header, Header, "headers", headers);

/// A schema reference as found in the spec, inline or boxed.
pub enum SchemaRef<'a> {
    /// `$ref: '#/components/schemas/Name'`.
    Ref(&'a str),
    /// An inline schema.
    Item(&'a Schema),
}

/// Anything that can point at a schema.
pub trait AsSchemaRef {
    /// The reference or the inline schema.
    fn as_schema_ref(&self) -> SchemaRef<'_>;
}

impl AsSchemaRef for ReferenceOr<Schema> {
    fn as_schema_ref(&self) -> SchemaRef<'_> {
        match self {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(s) => SchemaRef::Item(s),
        }
    }
}

impl AsSchemaRef for ReferenceOr<Box<Schema>> {
    fn as_schema_ref(&self) -> SchemaRef<'_> {
        match self {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(s) => SchemaRef::Item(s),
        }
    }
}

/// A resolved schema and, when it came through `$ref`s, the last component name.
pub struct Resolved<'a> {
    /// The schema itself.
    pub schema: &'a Schema,
    /// `Some("SkillManifest")` when reached via `#/components/schemas/SkillManifest`.
    pub name: Option<&'a str>,
}

/// Resolves a schema reference through `components.schemas`.
pub fn schema<'a>(spec: &'a OpenAPI, item: &'a dyn AsSchemaRef) -> Result<Resolved<'a>, String> {
    let mut name = None;
    let mut current = item.as_schema_ref();
    for _ in 0..32 {
        match current {
            SchemaRef::Item(schema) => return Ok(Resolved { schema, name }),
            SchemaRef::Ref(reference) => {
                let get = |name: &str| spec.components.as_ref()?.schemas.get_key_value(name);
                let (next, key) = lookup(reference, "schemas", get)?;
                name = Some(key);
                current = next.as_schema_ref();
            }
        }
    }
    Err("$ref cycle among components.schemas".to_owned())
}
