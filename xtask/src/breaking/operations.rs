//! The walk over paths, operations, parameters, bodies and responses.

use openapiv3::{
    Header, MediaType, OpenAPI, Operation, Parameter, ParameterSchemaOrContent, PathItem,
    ReferenceOr, Responses, SecurityRequirement,
};

use indexmap::IndexMap;

use super::model::{Class, Report};
use super::resolve;
use super::schema::{Direction, SchemaDiff};

/// Compares everything callers depend on, operation by operation.
pub fn compare(base: &OpenAPI, head: &OpenAPI, report: &mut Report) {
    compare_info(base, head, report);
    compare_servers(
        "servers",
        &server_urls(&base.servers),
        &server_urls(&head.servers),
        report,
    );
    compare_components(base, head, report);

    let base_ops = operations(base);
    let head_ops = operations(head);
    for b in &base_ops {
        match head_ops.iter().find(|h| h.key == b.key) {
            None => report.breaking("operation", &b.label(), "operation removed"),
            Some(h) => OperationDiff {
                base,
                head,
                b,
                h,
                report,
            }
            .run(),
        }
    }
    for h in &head_ops {
        if !base_ops.iter().any(|b| b.key == h.key) {
            report.compatible("operation", &h.label(), "operation added");
        }
    }
}

fn compare_info(base: &OpenAPI, head: &OpenAPI, report: &mut Report) {
    let (b, h) = (&base.info, &head.info);
    if b.title != h.title {
        report.compatible("docs", "info", "title changed");
    }
    if b.description != h.description {
        report.compatible("docs", "info", "description changed");
    }
    if base.tags != head.tags {
        report.compatible("docs", "tags", "tag list or tag descriptions changed");
    }
}

/// Named component schemas are public types in every generated client
/// (`components["schemas"]["X"]` in TypeScript, `models.X` in Python, a Rust
/// type here): removing or renaming one breaks code that names it, even when
/// the wire format stays the same.
fn compare_components(base: &OpenAPI, head: &OpenAPI, report: &mut Report) {
    let names = |s: &OpenAPI| -> Vec<String> {
        s.components
            .as_ref()
            .map(|c| c.schemas.keys().cloned().collect())
            .unwrap_or_default()
    };
    let (bn, hn) = (names(base), names(head));
    for n in bn.iter().filter(|n| !hn.contains(n)) {
        report.breaking(
            "component",
            &format!("components.schemas.{n}"),
            "named schema removed (generated clients export it as a type)",
        );
    }
    for n in hn.iter().filter(|n| !bn.contains(n)) {
        report.compatible(
            "component",
            &format!("components.schemas.{n}"),
            "named schema added",
        );
    }
}

fn compare_servers(at: &str, b: &[String], h: &[String], report: &mut Report) {
    for url in b.iter().filter(|u| !h.contains(u)) {
        report.breaking("server", at, format!("server removed: {url}"));
    }
    for url in h.iter().filter(|u| !b.contains(u)) {
        report.compatible("server", at, format!("server added: {url}"));
    }
}

fn server_urls(servers: &[openapiv3::Server]) -> Vec<String> {
    servers.iter().map(|s| s.url.clone()).collect()
}

/// One operation with what it inherits from its path item.
struct Op<'a> {
    /// `GET /v1/skills/{}`: method plus path with parameter names erased, so a
    /// renamed path parameter is not mistaken for a removed operation.
    key: (String, String),
    method: &'static str,
    path: &'a str,
    item: &'a PathItem,
    op: &'a Operation,
}

impl Op<'_> {
    fn label(&self) -> String {
        format!("{} {}", self.method, self.path)
    }
}

fn operations(spec: &OpenAPI) -> Vec<Op<'_>> {
    let mut out = Vec::new();
    for (path, item) in spec.paths.iter() {
        let ReferenceOr::Item(item) = item else {
            continue; // path-item $refs are not used by this project's spec
        };
        for (method, op) in item.iter() {
            let method = match method {
                "get" => "GET",
                "put" => "PUT",
                "post" => "POST",
                "delete" => "DELETE",
                "options" => "OPTIONS",
                "head" => "HEAD",
                "patch" => "PATCH",
                _ => "TRACE",
            };
            out.push(Op {
                key: (method.to_owned(), erase_params(path)),
                method,
                path,
                item,
                op,
            });
        }
    }
    out
}

fn erase_params(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_param = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_param = true;
                out.push_str("{}");
            }
            '}' => in_param = false,
            _ if in_param => {}
            _ => out.push(c),
        }
    }
    out
}

struct OperationDiff<'a, 'r> {
    base: &'a OpenAPI,
    head: &'a OpenAPI,
    b: &'a Op<'a>,
    h: &'a Op<'a>,
    report: &'r mut Report,
}

impl<'a> OperationDiff<'a, '_> {
    fn run(mut self) {
        let at = self.h.label();
        let (bo, ho) = (self.b.op, self.h.op);
        if bo.operation_id != ho.operation_id {
            self.report.breaking(
                "operation",
                &at,
                format!(
                    "operationId changed: {} -> {} (method names in generated clients)",
                    bo.operation_id.as_deref().unwrap_or("none"),
                    ho.operation_id.as_deref().unwrap_or("none")
                ),
            );
        }
        if bo.tags != ho.tags {
            self.report.breaking(
                "operation",
                &at,
                format!(
                    "tags changed: [{}] -> [{}] (generated clients group operations by tag)",
                    bo.tags.join(", "),
                    ho.tags.join(", ")
                ),
            );
        }
        if bo.summary != ho.summary {
            self.report.compatible("docs", &at, "summary changed");
        }
        if bo.description != ho.description || self.b.item.description != self.h.item.description {
            self.report.compatible("docs", &at, "description changed");
        }
        if bo.external_docs != ho.external_docs {
            self.report.compatible("docs", &at, "externalDocs changed");
        }
        if bo.extensions != ho.extensions {
            self.report.compatible("docs", &at, "x- extensions changed");
        }
        if bo.deprecated != ho.deprecated {
            let what = if ho.deprecated {
                "deprecated"
            } else {
                "no longer deprecated"
            };
            self.report.compatible("operation", &at, what);
        }
        self.compare_servers(&at);
        self.compare_security(&at);
        self.compare_parameters(&at);
        self.compare_request_body(&at);
        self.compare_responses(&at, &bo.responses, &ho.responses);
    }

    /// Servers declared on the operation or its path item (the global list is
    /// compared once, not once per operation).
    fn compare_servers(&mut self, at: &str) {
        let own = |op: &Op| {
            if !op.op.servers.is_empty() {
                server_urls(&op.op.servers)
            } else {
                server_urls(&op.item.servers)
            }
        };
        let (b, h) = (own(self.b), own(self.h));
        if b.is_empty() && h.is_empty() {
            return;
        }
        let effective = |own: Vec<String>, spec: &OpenAPI| {
            if own.is_empty() {
                server_urls(&spec.servers)
            } else {
                own
            }
        };
        let (b, h) = (effective(b, self.base), effective(h, self.head));
        compare_servers(at, &b, &h, self.report);
    }

    /// Security: each alternative is a set of schemes; an alternative that
    /// disappears locks out callers who used it.
    fn compare_security(&mut self, at: &str) {
        let alternatives = |op: &Operation, spec: &OpenAPI| -> Vec<String> {
            let reqs: &[SecurityRequirement] = op
                .security
                .as_deref()
                .or(spec.security.as_deref())
                .unwrap_or(&[]);
            reqs.iter()
                .map(|r| {
                    let mut names: Vec<String> = r
                        .iter()
                        .map(|(k, scopes)| format!("{k}[{}]", scopes.join(",")))
                        .collect();
                    names.sort();
                    if names.is_empty() {
                        "anonymous".to_owned()
                    } else {
                        names.join("+")
                    }
                })
                .collect()
        };
        let (b, h) = (
            alternatives(self.b.op, self.base),
            alternatives(self.h.op, self.head),
        );
        let b_open = b.is_empty();
        let h_open = h.is_empty();
        if b_open && !h_open {
            self.report.breaking(
                "security",
                at,
                format!("authentication now required: {}", h.join(" | ")),
            );
            return;
        }
        if !b_open && h_open {
            self.report
                .compatible("security", at, "authentication no longer required");
            return;
        }
        for alt in b.iter().filter(|a| !h.contains(a)) {
            self.report.breaking(
                "security",
                at,
                format!("security alternative removed: {alt}"),
            );
        }
        for alt in h.iter().filter(|a| !b.contains(a)) {
            self.report
                .compatible("security", at, format!("security alternative added: {alt}"));
        }
    }

    fn compare_parameters(&mut self, at: &str) {
        let bp = self.params(self.base, self.b);
        let hp = self.params(self.head, self.h);
        for (key, b) in &bp {
            let loc = format!("{at} {}", key.label());
            match hp.iter().find(|(k, _)| k == key) {
                None => self.report.breaking("parameter", &loc, "parameter removed"),
                Some((_, h)) => self.compare_parameter(&loc, b, h),
            }
        }
        for (key, h) in &hp {
            if !bp.iter().any(|(k, _)| k == key) {
                let loc = format!("{at} {}", key.label());
                let data = h.parameter_data_ref();
                if data.required {
                    self.report
                        .breaking("parameter", &loc, "required parameter added");
                } else {
                    self.report
                        .compatible("parameter", &loc, "optional parameter added");
                }
            }
        }
    }

    fn compare_parameter(&mut self, loc: &str, b: &'a Parameter, h: &'a Parameter) {
        let (bd, hd) = (b.parameter_data_ref(), h.parameter_data_ref());
        if bd.name != hd.name {
            // Same position (path) or same name up to case (header): the wire
            // is unchanged, but argument names in generated clients follow.
            self.report.compatible(
                "parameter",
                loc,
                format!(
                    "renamed: {} -> {} (wire format unchanged)",
                    bd.name, hd.name
                ),
            );
        }
        match (bd.required, hd.required) {
            (false, true) => self
                .report
                .breaking("parameter", loc, "optional -> required"),
            (true, false) => self
                .report
                .compatible("parameter", loc, "required -> optional"),
            _ => {}
        }
        if bd.description != hd.description {
            self.report.compatible("docs", loc, "description changed");
        }
        if bd.example != hd.example || bd.examples != hd.examples {
            self.report.compatible("docs", loc, "example changed");
        }
        if bd.deprecated.unwrap_or(false) != hd.deprecated.unwrap_or(false) {
            self.report
                .compatible("parameter", loc, "deprecation changed");
        }
        if bd.explode != hd.explode || style(b) != style(h) {
            self.report.breaking(
                "parameter",
                loc,
                "serialization changed (style/explode): requests encode differently",
            );
        }
        match (&bd.format, &hd.format) {
            (ParameterSchemaOrContent::Schema(bs), ParameterSchemaOrContent::Schema(hs)) => {
                SchemaDiff::new(self.base, self.head, self.report).compare(
                    Direction::Request,
                    "parameter",
                    loc,
                    "",
                    bs,
                    hs,
                );
            }
            (ParameterSchemaOrContent::Content(bc), ParameterSchemaOrContent::Content(hc)) => {
                self.compare_content(Direction::Request, "parameter", loc, bc, hc);
            }
            _ => self
                .report
                .breaking("parameter", loc, "changed between `schema` and `content`"),
        }
    }

    /// Path-item parameters overridden by operation parameters, keyed by
    /// location and name (header names compare case-insensitively). Path
    /// parameters are keyed by position, so a rename is not a removal.
    fn params(&mut self, spec: &'a OpenAPI, op: &'a Op<'a>) -> Vec<(ParamKey, &'a Parameter)> {
        let mut out: Vec<(ParamKey, &'a Parameter)> = Vec::new();
        for p in op.item.parameters.iter().chain(&op.op.parameters) {
            match resolve::parameter(spec, p) {
                Ok(param) => {
                    let key = ParamKey::of(param, op.path);
                    out.retain(|(k, _)| *k != key);
                    out.push((key, param));
                }
                Err(e) => self.report.errors.push(format!("{}: {e}", op.label())),
            }
        }
        out
    }

    fn compare_request_body(&mut self, at: &str) {
        let resolve = |spec: &'a OpenAPI, op: &'a Operation, report: &mut Report| {
            op.request_body
                .as_ref()
                .and_then(|rb| match resolve::request_body(spec, rb) {
                    Ok(rb) => Some(rb),
                    Err(e) => {
                        report.errors.push(format!("{at} request body: {e}"));
                        None
                    }
                })
        };
        let b = resolve(self.base, self.b.op, self.report);
        let h = resolve(self.head, self.h.op, self.report);
        let loc = format!("{at} request body");
        match (b, h) {
            (None, None) => {}
            (Some(_), None) => self
                .report
                .breaking("request body", &loc, "request body removed"),
            (None, Some(h)) => {
                if h.required {
                    self.report
                        .breaking("request body", &loc, "required request body added");
                } else {
                    self.report
                        .compatible("request body", &loc, "optional request body added");
                }
            }
            (Some(b), Some(h)) => {
                match (b.required, h.required) {
                    (false, true) => {
                        self.report
                            .breaking("request body", &loc, "optional -> required")
                    }
                    (true, false) => {
                        self.report
                            .compatible("request body", &loc, "required -> optional")
                    }
                    _ => {}
                }
                if b.description != h.description {
                    self.report.compatible("docs", &loc, "description changed");
                }
                let at = format!("{at} request");
                self.compare_content(
                    Direction::Request,
                    "request field",
                    &at,
                    &b.content,
                    &h.content,
                );
            }
        }
    }

    fn compare_responses(&mut self, at: &str, b: &'a Responses, h: &'a Responses) {
        let list = |r: &'a Responses| -> Vec<(String, &'a ReferenceOr<openapiv3::Response>)> {
            r.responses
                .iter()
                .map(|(code, resp)| (code.to_string(), resp))
                .chain(r.default.as_ref().map(|d| ("default".to_owned(), d)))
                .collect()
        };
        let (bl, hl) = (list(b), list(h));
        for (code, br) in &bl {
            let loc = format!("{at} response {code}");
            let Some((_, hr)) = hl.iter().find(|(c, _)| c == code) else {
                self.report
                    .breaking("response", &loc, "response status removed");
                continue;
            };
            let (br, hr) = match (
                resolve::response(self.base, br),
                resolve::response(self.head, hr),
            ) {
                (Ok(b), Ok(h)) => (b, h),
                (b, h) => {
                    for e in [b.err(), h.err()].into_iter().flatten() {
                        self.report.errors.push(format!("{loc}: {e}"));
                    }
                    continue;
                }
            };
            if br.description != hr.description {
                self.report.compatible("docs", &loc, "description changed");
            }
            self.compare_headers(&loc, &br.headers, &hr.headers);
            self.compare_content(
                Direction::Response,
                "response field",
                &loc,
                &br.content,
                &hr.content,
            );
        }
        for (code, _) in &hl {
            if !bl.iter().any(|(c, _)| c == code) {
                self.report.compatible(
                    "response",
                    &format!("{at} response {code}"),
                    "response status added",
                );
            }
        }
    }

    fn compare_headers(
        &mut self,
        at: &str,
        b: &'a IndexMap<String, ReferenceOr<Header>>,
        h: &'a IndexMap<String, ReferenceOr<Header>>,
    ) {
        let find = |m: &'a IndexMap<String, ReferenceOr<Header>>, name: &str| {
            m.iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v)
        };
        for (name, bh) in b {
            let loc = format!("{at} header {name}");
            let Some(hh) = find(h, name) else {
                self.report
                    .breaking("response header", &loc, "response header removed");
                continue;
            };
            let (bh, hh) = match (
                resolve::header(self.base, bh),
                resolve::header(self.head, hh),
            ) {
                (Ok(b), Ok(h)) => (b, h),
                (b, h) => {
                    for e in [b.err(), h.err()].into_iter().flatten() {
                        self.report.errors.push(format!("{loc}: {e}"));
                    }
                    continue;
                }
            };
            if bh.required && !hh.required {
                self.report
                    .breaking("response header", &loc, "required -> optional");
            } else if !bh.required && hh.required {
                self.report
                    .compatible("response header", &loc, "optional -> required");
            }
            if bh.description != hh.description {
                self.report.compatible("docs", &loc, "description changed");
            }
            match (&bh.format, &hh.format) {
                (ParameterSchemaOrContent::Schema(bs), ParameterSchemaOrContent::Schema(hs)) => {
                    SchemaDiff::new(self.base, self.head, self.report).compare(
                        Direction::Response,
                        "response header",
                        &loc,
                        "",
                        bs,
                        hs,
                    );
                }
                (ParameterSchemaOrContent::Content(bc), ParameterSchemaOrContent::Content(hc)) => {
                    self.compare_content(Direction::Response, "response header", &loc, bc, hc);
                }
                _ => self.report.breaking(
                    "response header",
                    &loc,
                    "changed between `schema` and `content`",
                ),
            }
        }
        for name in h.keys() {
            if find(b, name).is_none() {
                self.report.compatible(
                    "response header",
                    &format!("{at} header {name}"),
                    "response header added",
                );
            }
        }
    }

    /// Media types: one that disappears breaks whoever sends or expects it
    /// (a "changed" media type is a removal plus an addition).
    fn compare_content(
        &mut self,
        dir: Direction,
        kind: &'static str,
        at: &str,
        b: &'a IndexMap<String, MediaType>,
        h: &'a IndexMap<String, MediaType>,
    ) {
        for (mt, bm) in b {
            let loc = format!("{at} {mt}");
            let Some(hm) = h.get(mt) else {
                self.report
                    .breaking("media type", &loc, "media type removed");
                continue;
            };
            if bm.example != hm.example || bm.examples != hm.examples {
                self.report.compatible("docs", &loc, "example changed");
            }
            match (&bm.schema, &hm.schema) {
                (Some(bs), Some(hs)) => {
                    SchemaDiff::new(self.base, self.head, self.report)
                        .compare(dir, kind, &loc, "", bs, hs);
                }
                (None, None) => {}
                (Some(_), None) => {
                    let class = match dir {
                        Direction::Request => Class::Compatible,
                        Direction::Response => Class::Breaking,
                    };
                    self.report
                        .push(class, kind, &loc, "schema removed (any body)".to_owned());
                }
                (None, Some(_)) => {
                    let class = match dir {
                        Direction::Request => Class::Breaking,
                        Direction::Response => Class::Compatible,
                    };
                    self.report.push(
                        class,
                        kind,
                        &loc,
                        "schema added (body now constrained)".to_owned(),
                    );
                }
            }
        }
        for mt in h.keys() {
            if !b.contains_key(mt) {
                self.report
                    .compatible("media type", &format!("{at} {mt}"), "media type added");
            }
        }
    }
}

/// Identity of a parameter across versions (equal when location and id match).
#[derive(Debug, Clone)]
struct ParamKey {
    location: &'static str,
    /// Lower-cased for headers; for path parameters the position in the path.
    id: String,
    /// The name as written in the head (or base) spec, for display.
    name: String,
}

impl ParamKey {
    fn of(p: &Parameter, path: &str) -> Self {
        let name = p.parameter_data_ref().name.clone();
        let (location, id) = match p {
            Parameter::Query { .. } => ("query", name.clone()),
            Parameter::Header { .. } => ("header", name.to_ascii_lowercase()),
            Parameter::Cookie { .. } => ("cookie", name.clone()),
            Parameter::Path { .. } => {
                let needle = format!("{{{name}}}");
                let position = path
                    .split('/')
                    .filter(|seg| seg.contains('{'))
                    .position(|seg| seg.contains(&needle));
                ("path", position.map_or(name.clone(), |i| format!("#{i}")))
            }
        };
        ParamKey { location, id, name }
    }

    fn label(&self) -> String {
        match self.location {
            "query" => format!("param {}", self.name),
            other => format!("{other} param {}", self.name),
        }
    }
}

impl PartialEq for ParamKey {
    fn eq(&self, other: &ParamKey) -> bool {
        self.location == other.location && self.id == other.id
    }
}

fn style(p: &Parameter) -> String {
    match p {
        Parameter::Query { style, .. } => format!("{style:?}"),
        Parameter::Header { style, .. } => format!("{style:?}"),
        Parameter::Path { style, .. } => format!("{style:?}"),
        Parameter::Cookie { style, .. } => format!("{style:?}"),
    }
}
