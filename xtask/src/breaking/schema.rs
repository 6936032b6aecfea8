//! Schema comparison, aware of which way the data flows.
//!
//! The same change means opposite things on the two sides of the wire: a
//! constraint tightened on something the *caller sends* can reject requests
//! that used to pass, while the same tightening on something the *server
//! sends* only narrows what clients already accept. [`Direction`] carries that.

use openapiv3::{AdditionalProperties, OpenAPI, Schema, SchemaKind, Type};
use serde_json::Value;

use super::model::{Class, Report};
use super::resolve::{self, AsSchemaRef};

/// Which way data described by a schema travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Sent by the caller: parameters and request bodies.
    Request,
    /// Sent by the server: response bodies and headers.
    Response,
}

impl Direction {
    /// The class of a constraint that now accepts fewer values.
    fn tightened(self) -> Class {
        match self {
            Direction::Request => Class::Breaking,
            Direction::Response => Class::Compatible,
        }
    }

    /// The class of a constraint that now accepts more values. Breaking on
    /// responses: clients generated from the old spec validate these bounds
    /// when decoding (typify's constrained newtypes, closed enums elsewhere).
    fn loosened(self) -> Class {
        match self {
            Direction::Request => Class::Compatible,
            Direction::Response => Class::Breaking,
        }
    }
}

/// Compares two specs' schemas, reporting into one [`Report`].
pub struct SchemaDiff<'a, 'r> {
    /// The spec before.
    pub base: &'a OpenAPI,
    /// The spec after.
    pub head: &'a OpenAPI,
    /// Where findings go.
    pub report: &'r mut Report,
    /// Component pairs being compared further up the current descent (cycle guard).
    stack: Vec<(Option<&'a str>, Option<&'a str>)>,
}

/// How deep nesting may go before the walk gives up (a safety net; cycles
/// through named components are caught earlier by the stack).
const MAX_DEPTH: usize = 64;

impl<'a, 'r> SchemaDiff<'a, 'r> {
    /// A comparer of `base` against `head`.
    pub fn new(base: &'a OpenAPI, head: &'a OpenAPI, report: &'r mut Report) -> Self {
        Self {
            base,
            head,
            report,
            stack: Vec::new(),
        }
    }

    /// Compares two schemas found at the same place.
    ///
    /// `kind` labels the table rows (`parameter`, `request field`, …), `at`
    /// names the place (`GET /v1/skills param maxResults`), `path` is the
    /// field path inside the schema (`.manifest.apis`), empty at the root.
    pub fn compare(
        &mut self,
        dir: Direction,
        kind: &'static str,
        at: &str,
        path: &str,
        base: &'a dyn AsSchemaRef,
        head: &'a dyn AsSchemaRef,
    ) {
        let (b, h) = match (
            resolve::schema(self.base, base),
            resolve::schema(self.head, head),
        ) {
            (Ok(b), Ok(h)) => (b, h),
            (b, h) => {
                for e in [b.err(), h.err()].into_iter().flatten() {
                    self.report.errors.push(format!("{at} {path}: {e}"));
                }
                return;
            }
        };
        let key = (b.name, h.name);
        if key != (None, None) && self.stack.contains(&key) {
            return;
        }
        if self.stack.len() >= MAX_DEPTH {
            self.report.errors.push(format!(
                "{at} {path}: schema nesting deeper than {MAX_DEPTH}"
            ));
            return;
        }
        self.stack.push(key);
        self.compare_resolved(dir, kind, at, path, b.schema, h.schema);
        self.stack.pop();
    }

    fn compare_resolved(
        &mut self,
        dir: Direction,
        kind: &'static str,
        at: &str,
        path: &str,
        base: &'a Schema,
        head: &'a Schema,
    ) {
        let loc = join(at, path);
        self.compare_annotations(dir, kind, &loc, base, head);

        let (b, h) = match (self.shape(self.base, base), self.shape(self.head, head)) {
            (Ok(b), Ok(h)) => (b, h),
            (b, h) => {
                for e in [b.err(), h.err()].into_iter().flatten() {
                    self.report.errors.push(format!("{loc}: {e}"));
                }
                return;
            }
        };

        if b.ty != h.ty {
            self.report.breaking(
                kind,
                &loc,
                format!("type changed: {} -> {}", or_any(b.ty), or_any(h.ty)),
            );
            return;
        }
        if b.format != h.format {
            self.report.breaking(
                kind,
                &loc,
                format!(
                    "format changed: {} -> {}",
                    b.format.as_deref().unwrap_or("none"),
                    h.format.as_deref().unwrap_or("none")
                ),
            );
        }
        self.compare_enums(dir, kind, &loc, &b, &h);
        self.compare_bounds(dir, kind, &loc, &b, &h);
        self.compare_objects(dir, kind, at, path, &b, &h);
        if let (Some(bi), Some(hi)) = (b.items, h.items) {
            self.compare(dir, kind, at, &format!("{path}[]"), bi, hi);
        }
        self.compare_variants(dir, kind, at, path, "oneOf", b.one_of, h.one_of);
        self.compare_variants(dir, kind, at, path, "anyOf", b.any_of, h.any_of);
        if b.not != h.not {
            self.report.breaking(kind, &loc, "`not` schema changed");
        }
    }

    /// Documentation and flags on the schema itself.
    fn compare_annotations(
        &mut self,
        dir: Direction,
        kind: &'static str,
        loc: &str,
        b: &Schema,
        h: &Schema,
    ) {
        let (bd, hd) = (&b.schema_data, &h.schema_data);
        if bd.description != hd.description {
            self.report.compatible("docs", loc, "description changed");
        }
        if bd.title != hd.title {
            self.report.compatible("docs", loc, "title changed");
        }
        if bd.example != hd.example {
            self.report.compatible("docs", loc, "example changed");
        }
        if bd.external_docs != hd.external_docs {
            self.report.compatible("docs", loc, "externalDocs changed");
        }
        if bd.deprecated != hd.deprecated {
            let what = if hd.deprecated {
                "deprecated"
            } else {
                "no longer deprecated"
            };
            self.report.compatible(kind, loc, what);
        }
        if bd.default != hd.default {
            // Callers that omit the value get a different behaviour.
            let class = match dir {
                Direction::Request => Class::Breaking,
                Direction::Response => Class::Compatible,
            };
            self.report.push(
                class,
                kind,
                loc,
                format!(
                    "default changed: {} -> {}",
                    show(bd.default.as_ref()),
                    show(hd.default.as_ref())
                ),
            );
        }
        if bd.nullable != hd.nullable {
            let (what, class) = if hd.nullable {
                ("now nullable", dir.loosened())
            } else {
                ("no longer nullable", dir.tightened())
            };
            self.report.push(class, kind, loc, what.to_owned());
        }
        if bd.read_only != hd.read_only || bd.write_only != hd.write_only {
            self.report
                .breaking(kind, loc, "readOnly/writeOnly changed");
        }
    }

    /// Enum rule: a value removed breaks in both directions (callers sending
    /// it are rejected; callers matching on it lose a case the server used to
    /// send). A value added is compatible in both: requests accept more, and
    /// response enums are open by contract (every generated client here
    /// decodes unknown values, and other teams are told to do the same).
    fn compare_enums(
        &mut self,
        dir: Direction,
        kind: &'static str,
        loc: &str,
        b: &Shape,
        h: &Shape,
    ) {
        match (&b.enumeration, &h.enumeration) {
            (None, None) => {}
            (None, Some(values)) => self.report.push(
                dir.tightened(),
                kind,
                loc,
                format!("enum constraint added: {}", list(values)),
            ),
            (Some(_), None) => {
                self.report
                    .compatible(kind, loc, "enum constraint removed (any value accepted)")
            }
            (Some(bv), Some(hv)) => {
                let removed: Vec<&Value> = bv.iter().filter(|v| !hv.contains(v)).collect();
                let added: Vec<&Value> = hv.iter().filter(|v| !bv.contains(v)).collect();
                if !removed.is_empty() {
                    self.report.breaking(
                        kind,
                        loc,
                        format!("enum value removed: {}", list_refs(&removed)),
                    );
                }
                if !added.is_empty() {
                    self.report.compatible(
                        kind,
                        loc,
                        format!("enum value added: {}", list_refs(&added)),
                    );
                }
            }
        }
    }

    /// Length, range, count and pattern constraints.
    fn compare_bounds(
        &mut self,
        dir: Direction,
        kind: &'static str,
        loc: &str,
        b: &Shape,
        h: &Shape,
    ) {
        let uppers = [
            ("maxLength", b.max_length, h.max_length),
            ("maxItems", b.max_items, h.max_items),
            ("maxProperties", b.max_properties, h.max_properties),
        ];
        for (name, bv, hv) in uppers {
            self.bound(dir, kind, loc, name, bv, hv, |old, new| new < old);
        }
        self.bound(
            dir,
            kind,
            loc,
            "maximum",
            b.maximum,
            h.maximum,
            |old, new| new < old,
        );
        let lowers = [
            ("minLength", b.min_length, h.min_length),
            ("minItems", b.min_items, h.min_items),
            ("minProperties", b.min_properties, h.min_properties),
        ];
        for (name, bv, hv) in lowers {
            self.bound(dir, kind, loc, name, bv, hv, |old, new| new > old);
        }
        self.bound(
            dir,
            kind,
            loc,
            "minimum",
            b.minimum,
            h.minimum,
            |old, new| new > old,
        );
        let flags = [
            ("exclusiveMaximum", b.exclusive_maximum, h.exclusive_maximum),
            ("exclusiveMinimum", b.exclusive_minimum, h.exclusive_minimum),
            ("uniqueItems", b.unique_items, h.unique_items),
        ];
        for (name, bv, hv) in flags {
            if bv != hv {
                let class = if hv { dir.tightened() } else { dir.loosened() };
                self.report
                    .push(class, kind, loc, format!("{name}: {bv} -> {hv}"));
            }
        }
        // Patterns and multipleOf cannot be ordered: any new or different one
        // may reject values the old one accepted.
        let opaque = [
            (
                "pattern",
                b.pattern.map(str::to_owned),
                h.pattern.map(str::to_owned),
            ),
            (
                "multipleOf",
                b.multiple_of.map(|v| v.to_string()),
                h.multiple_of.map(|v| v.to_string()),
            ),
        ];
        for (name, bv, hv) in opaque {
            if bv != hv {
                let class = if hv.is_none() {
                    dir.loosened()
                } else {
                    dir.tightened()
                };
                let change = format!(
                    "{name}: {} -> {}",
                    bv.as_deref().unwrap_or("none"),
                    hv.as_deref().unwrap_or("none")
                );
                self.report.push(class, kind, loc, change);
            }
        }
    }

    /// One bound: `tighter(old, new)` says whether `new` accepts fewer values.
    /// A bound that appears is a tightening, one that disappears a loosening.
    #[allow(clippy::too_many_arguments)]
    fn bound<T: PartialOrd + std::fmt::Display + Copy>(
        &mut self,
        dir: Direction,
        kind: &'static str,
        loc: &str,
        name: &str,
        base: Option<T>,
        head: Option<T>,
        tighter: impl Fn(T, T) -> bool,
    ) {
        let (class, change) = match (base, head) {
            (Some(b), Some(h)) if b == h => return,
            (None, None) => return,
            (Some(b), Some(h)) => {
                let class = if tighter(b, h) {
                    dir.tightened()
                } else {
                    dir.loosened()
                };
                let verb = if tighter(b, h) {
                    "tightened"
                } else {
                    "loosened"
                };
                (class, format!("{name} {verb}: {b} -> {h}"))
            }
            (None, Some(h)) => (dir.tightened(), format!("{name} added: {h}")),
            (Some(b), None) => (dir.loosened(), format!("{name} removed (was {b})")),
        };
        self.report.push(class, kind, loc, change);
    }

    /// Properties, required-ness and additional properties.
    fn compare_objects(
        &mut self,
        dir: Direction,
        kind: &'static str,
        at: &str,
        path: &str,
        b: &Shape<'a>,
        h: &Shape<'a>,
    ) {
        let mut names: Vec<&str> = Vec::new();
        for n in b
            .properties
            .iter()
            .map(|(n, _)| *n)
            .chain(h.properties.iter().map(|(n, _)| *n))
        {
            if !names.contains(&n) {
                names.push(n);
            }
        }
        for n in b.required.iter().chain(&h.required) {
            if !names.contains(n) {
                names.push(n);
            }
        }
        for name in names {
            let field = format!("{path}.{name}");
            let loc = join(at, &field);
            let bp = b.property(name);
            let hp = h.property(name);
            let (br, hr) = (b.required.contains(&name), h.required.contains(&name));
            let (b_present, h_present) = (bp.is_some() || br, hp.is_some() || hr);
            match (b_present, h_present) {
                (true, false) => self.report.breaking(kind, &loc, "field removed"),
                (false, true) => {
                    let (class, what) = match dir {
                        Direction::Request if hr => (Class::Breaking, "required field added"),
                        Direction::Request => (Class::Compatible, "optional field added"),
                        Direction::Response if b.closed() => (
                            Class::Breaking,
                            "field added to a closed object (additionalProperties: false)",
                        ),
                        Direction::Response => (Class::Compatible, "field added"),
                    };
                    self.report.push(class, kind, &loc, what.to_owned());
                }
                _ => {
                    if br != hr {
                        let (what, class) = match (hr, dir) {
                            (true, Direction::Request) => ("optional -> required", Class::Breaking),
                            (false, Direction::Request) => {
                                ("required -> optional", Class::Compatible)
                            }
                            (true, Direction::Response) => {
                                ("optional -> required", Class::Compatible)
                            }
                            (false, Direction::Response) => {
                                ("required -> optional", Class::Breaking)
                            }
                        };
                        self.report.push(class, kind, &loc, what.to_owned());
                    }
                    if let (Some(bs), Some(hs)) = (bp, hp) {
                        self.compare(dir, kind, at, &field, bs, hs);
                    }
                }
            }
        }
        self.compare_additional(dir, kind, at, path, b.additional, h.additional);
    }

    fn compare_additional(
        &mut self,
        dir: Direction,
        kind: &'static str,
        at: &str,
        path: &str,
        b: Option<&'a AdditionalProperties>,
        h: Option<&'a AdditionalProperties>,
    ) {
        let loc = join(at, path);
        match (openness(b), openness(h)) {
            (Openness::Open, Openness::Open) | (Openness::Closed, Openness::Closed) => {}
            (Openness::Schema(bs), Openness::Schema(hs)) => {
                self.compare(dir, kind, at, &format!("{path}.*"), bs, hs);
            }
            (from, to) => {
                let tighter = to.rank() < from.rank();
                let class = if tighter {
                    dir.tightened()
                } else {
                    dir.loosened()
                };
                self.report.push(
                    class,
                    kind,
                    &loc,
                    format!("additionalProperties: {} -> {}", from.label(), to.label()),
                );
            }
        }
    }

    /// `oneOf`/`anyOf` alternatives, matched by component name, else by position.
    #[allow(clippy::too_many_arguments)]
    fn compare_variants(
        &mut self,
        dir: Direction,
        kind: &'static str,
        at: &str,
        path: &str,
        keyword: &str,
        b: &'a [openapiv3::ReferenceOr<Schema>],
        h: &'a [openapiv3::ReferenceOr<Schema>],
    ) {
        let loc = join(at, path);
        let name = |r: &openapiv3::ReferenceOr<Schema>| match r {
            openapiv3::ReferenceOr::Reference { reference } => Some(reference.clone()),
            openapiv3::ReferenceOr::Item(_) => None,
        };
        let mut matched_head = vec![false; h.len()];
        for (i, bv) in b.iter().enumerate() {
            let by_name =
                name(bv).and_then(|n| h.iter().position(|hv| name(hv).as_deref() == Some(&n)));
            let by_index = (i < h.len() && !matched_head[i] && name(&h[i]).is_none()).then_some(i);
            match by_name.or(by_index) {
                Some(j) if !matched_head[j] => {
                    matched_head[j] = true;
                    self.compare(dir, kind, at, &format!("{path}<{keyword}#{j}>"), bv, &h[j]);
                }
                _ => {
                    let class = dir.tightened();
                    self.report.push(
                        class,
                        kind,
                        &loc,
                        format!("{keyword} alternative #{i} removed"),
                    );
                }
            }
        }
        for (j, seen) in matched_head.iter().enumerate() {
            if !seen {
                let class = dir.loosened();
                self.report.push(
                    class,
                    kind,
                    &loc,
                    format!("{keyword} alternative #{j} added"),
                );
            }
        }
    }

    /// Flattens a schema into the facts the comparison needs, merging `allOf`.
    fn shape(&self, spec: &'a OpenAPI, schema: &'a Schema) -> Result<Shape<'a>, String> {
        let mut shape = Shape::of(schema);
        let mut pending: Vec<&'a openapiv3::ReferenceOr<Schema>> = all_of(schema).iter().collect();
        let mut hops = 0;
        while let Some(member) = pending.pop() {
            hops += 1;
            if hops > MAX_DEPTH {
                return Err("allOf nesting too deep".to_owned());
            }
            let resolved = resolve::schema(spec, member)?;
            shape.merge(Shape::of(resolved.schema));
            pending.extend(all_of(resolved.schema));
        }
        Ok(shape)
    }
}

fn all_of(schema: &Schema) -> &[openapiv3::ReferenceOr<Schema>] {
    match &schema.schema_kind {
        SchemaKind::AllOf { all_of } => all_of,
        SchemaKind::Any(any) => &any.all_of,
        _ => &[],
    }
}

/// How open an object is to keys it does not list.
enum Openness<'a> {
    Closed,
    Schema(&'a openapiv3::ReferenceOr<Schema>),
    Open,
}

impl Openness<'_> {
    fn rank(&self) -> u8 {
        match self {
            Openness::Closed => 0,
            Openness::Schema(_) => 1,
            Openness::Open => 2,
        }
    }

    fn label(&self) -> &'static str {
        match self {
            Openness::Closed => "false",
            Openness::Schema(_) => "schema",
            Openness::Open => "open",
        }
    }
}

fn openness(a: Option<&AdditionalProperties>) -> Openness<'_> {
    match a {
        None | Some(AdditionalProperties::Any(true)) => Openness::Open,
        Some(AdditionalProperties::Any(false)) => Openness::Closed,
        Some(AdditionalProperties::Schema(s)) => match s.as_ref() {
            // `additionalProperties: {}` accepts anything: same as open.
            openapiv3::ReferenceOr::Item(Schema {
                schema_kind: SchemaKind::Any(any),
                ..
            }) if *any == openapiv3::AnySchema::default() => Openness::Open,
            other => Openness::Schema(other),
        },
    }
}

/// The comparable facts of one schema, whether openapiv3 parsed it as a typed
/// schema or as its catch-all `AnySchema`.
#[derive(Default)]
struct Shape<'a> {
    ty: Option<&'a str>,
    format: Option<String>,
    enumeration: Option<Vec<Value>>,
    min_length: Option<usize>,
    max_length: Option<usize>,
    pattern: Option<&'a str>,
    minimum: Option<f64>,
    maximum: Option<f64>,
    exclusive_minimum: bool,
    exclusive_maximum: bool,
    multiple_of: Option<f64>,
    properties: Vec<(&'a str, &'a openapiv3::ReferenceOr<Box<Schema>>)>,
    required: Vec<&'a str>,
    additional: Option<&'a AdditionalProperties>,
    min_properties: Option<usize>,
    max_properties: Option<usize>,
    items: Option<&'a openapiv3::ReferenceOr<Box<Schema>>>,
    min_items: Option<usize>,
    max_items: Option<usize>,
    unique_items: bool,
    one_of: &'a [openapiv3::ReferenceOr<Schema>],
    any_of: &'a [openapiv3::ReferenceOr<Schema>],
    not: Option<&'a openapiv3::ReferenceOr<Schema>>,
}

impl<'a> Shape<'a> {
    fn of(schema: &'a Schema) -> Self {
        let mut s = Shape::default();
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(t)) => {
                s.ty = Some("string");
                s.format = format_name(&t.format);
                s.enumeration = values(&t.enumeration, |v| Value::from(v.clone()));
                s.min_length = t.min_length;
                s.max_length = t.max_length;
                s.pattern = t.pattern.as_deref();
            }
            SchemaKind::Type(Type::Number(t)) => {
                s.ty = Some("number");
                s.format = format_name(&t.format);
                s.enumeration = values(&t.enumeration, |v| Value::from(*v));
                s.minimum = t.minimum;
                s.maximum = t.maximum;
                s.exclusive_minimum = t.exclusive_minimum;
                s.exclusive_maximum = t.exclusive_maximum;
                s.multiple_of = t.multiple_of;
            }
            SchemaKind::Type(Type::Integer(t)) => {
                s.ty = Some("integer");
                s.format = format_name(&t.format);
                s.enumeration = values(&t.enumeration, |v| Value::from(*v));
                // i64 -> f64 is exact for every bound a spec writes by hand.
                s.minimum = t.minimum.map(|v| v as f64);
                s.maximum = t.maximum.map(|v| v as f64);
                s.exclusive_minimum = t.exclusive_minimum;
                s.exclusive_maximum = t.exclusive_maximum;
                s.multiple_of = t.multiple_of.map(|v| v as f64);
            }
            SchemaKind::Type(Type::Boolean(t)) => {
                s.ty = Some("boolean");
                s.enumeration = values(&t.enumeration, |v| Value::from(*v));
            }
            SchemaKind::Type(Type::Object(t)) => {
                s.ty = Some("object");
                s.properties = t.properties.iter().map(|(k, v)| (k.as_str(), v)).collect();
                s.required = t.required.iter().map(String::as_str).collect();
                s.additional = t.additional_properties.as_ref();
                s.min_properties = t.min_properties;
                s.max_properties = t.max_properties;
            }
            SchemaKind::Type(Type::Array(t)) => {
                s.ty = Some("array");
                s.items = t.items.as_ref();
                s.min_items = t.min_items;
                s.max_items = t.max_items;
                s.unique_items = t.unique_items;
            }
            SchemaKind::OneOf { one_of } => s.one_of = one_of,
            SchemaKind::AnyOf { any_of } => s.any_of = any_of,
            SchemaKind::AllOf { .. } => {}
            SchemaKind::Not { not } => s.not = Some(not),
            SchemaKind::Any(a) => {
                s.ty = a.typ.as_deref();
                s.format = a.format.clone();
                s.enumeration = (!a.enumeration.is_empty()).then(|| a.enumeration.clone());
                s.min_length = a.min_length;
                s.max_length = a.max_length;
                s.pattern = a.pattern.as_deref();
                s.minimum = a.minimum;
                s.maximum = a.maximum;
                s.exclusive_minimum = a.exclusive_minimum.unwrap_or(false);
                s.exclusive_maximum = a.exclusive_maximum.unwrap_or(false);
                s.multiple_of = a.multiple_of;
                s.properties = a.properties.iter().map(|(k, v)| (k.as_str(), v)).collect();
                s.required = a.required.iter().map(String::as_str).collect();
                s.additional = a.additional_properties.as_ref();
                s.min_properties = a.min_properties;
                s.max_properties = a.max_properties;
                s.items = a.items.as_ref();
                s.min_items = a.min_items;
                s.max_items = a.max_items;
                s.unique_items = a.unique_items.unwrap_or(false);
                s.one_of = &a.one_of;
                s.any_of = &a.any_of;
                s.not = a.not.as_deref();
                // `properties` without `type` is an object in every tool we feed.
                if s.ty.is_none() && (!s.properties.is_empty() || s.additional.is_some()) {
                    s.ty = Some("object");
                }
            }
        }
        s
    }

    /// Folds one `allOf` member into this shape (properties and required
    /// lists unite; the first type/format/bound seen wins).
    fn merge(&mut self, other: Shape<'a>) {
        self.ty = self.ty.or(other.ty);
        self.format = self.format.take().or(other.format);
        self.enumeration = self.enumeration.take().or(other.enumeration);
        for (name, schema) in other.properties {
            if self.property(name).is_none() {
                self.properties.push((name, schema));
            }
        }
        for name in other.required {
            if !self.required.contains(&name) {
                self.required.push(name);
            }
        }
        self.additional = self.additional.or(other.additional);
        self.items = self.items.or(other.items);
        self.min_length = self.min_length.or(other.min_length);
        self.max_length = self.max_length.or(other.max_length);
        self.pattern = self.pattern.or(other.pattern);
        self.minimum = self.minimum.or(other.minimum);
        self.maximum = self.maximum.or(other.maximum);
        self.min_items = self.min_items.or(other.min_items);
        self.max_items = self.max_items.or(other.max_items);
    }

    fn property(&self, name: &str) -> Option<&'a openapiv3::ReferenceOr<Box<Schema>>> {
        self.properties
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, s)| *s)
    }

    fn closed(&self) -> bool {
        matches!(self.additional, Some(AdditionalProperties::Any(false)))
    }
}

fn format_name<T: Serialize>(format: &openapiv3::VariantOrUnknownOrEmpty<T>) -> Option<String> {
    match format {
        openapiv3::VariantOrUnknownOrEmpty::Empty => None,
        openapiv3::VariantOrUnknownOrEmpty::Unknown(s) => Some(s.clone()),
        item => serde_json::to_value(item)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned)),
    }
}

use serde::Serialize;

fn values<T>(v: &[Option<T>], f: impl Fn(&T) -> Value) -> Option<Vec<Value>> {
    (!v.is_empty()).then(|| {
        v.iter()
            .map(|x| x.as_ref().map_or(Value::Null, &f))
            .collect()
    })
}

fn join(at: &str, path: &str) -> String {
    if path.is_empty() {
        at.to_owned()
    } else {
        format!("{at} {path}")
    }
}

fn or_any(ty: Option<&str>) -> &str {
    ty.unwrap_or("any")
}

fn show(v: Option<&Value>) -> String {
    v.map_or_else(|| "none".to_owned(), Value::to_string)
}

fn list(values: &[Value]) -> String {
    values
        .iter()
        .map(Value::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn list_refs(values: &[&Value]) -> String {
    values
        .iter()
        .map(|v| v.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}
