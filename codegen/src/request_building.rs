//! Cheaper request building in the generated operations, by rewriting progenitor's tokens.
//!
//! progenitor offers no setting for either of these, so they are done here, once, on the
//! tokens it produces (never by editing the generated file):
//! - **No `api-version` header.** progenitor adds `api-version: <info.version>` to every
//!   request; SMAPI does not define it. Each operation built a header map for it (one or two
//!   allocations) that the transport then had to strip again. The `append` is removed and the
//!   map's capacity lowered by one. An operation without header parameters is left with an
//!   empty map: it is not built at all, and neither is the `.headers(header_map)` call that
//!   would merge it into the request (a pass over the request's headers per call).
//! - **Path parameters encoded as they are formatted.** progenitor writes
//!   `encode_path(&value.to_string())`: a string for the value and another for its encoding,
//!   per parameter, before `format!` builds the URL. It becomes
//!   `crate::path_segment::PathSegment(&value)`, which percent-encodes the same characters
//!   while `format!` writes them (the crate's tests prove both encodings equal).
//!
//! - **No allocation for a parameter not yet set.** progenitor's builders start each required
//!   parameter as `Err("<name> was not initialized".to_string())`, two allocations per call
//!   of `getSkillManifest` that the setters drop again at once. [`unset_without_allocating`]
//!   starts them as `Err(String::new())` and has `send` word an empty message the same way
//!   (`crate::builder_field::unset_or`), so a missing parameter still fails with
//!   `InvalidRequest("<name> was not initialized")`.
//!
//! - **One transport call per send.** progenitor sends through three hooks: `pre` (which took
//!   the request by `&mut`, so the request stayed in the operation's future), `exec` and
//!   `post`, each a future of its own. [`one_transport_call`] replaces the three with one
//!   call of `crate::transport::send`, which takes the request by value and does what the
//!   hooks did (its errors become the same `Error::Custom` and `Error::CommunicationError`).
//!
//! [`lighten`] reports how many of each it rewrote, so generation fails when progenitor
//! changes the shapes matched here instead of silently keeping the old cost.

use proc_macro2::{Delimiter, Group, Ident, Punct, Spacing, Span, TokenStream, TokenTree};

/// What [`lighten`] rewrote.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Rewrites {
    /// `api-version` appends removed.
    pub api_version_headers: usize,
    /// `encode_path(&x.to_string())` calls replaced.
    pub path_segments: usize,
    /// Empty header maps (and their `.headers(header_map)` calls) removed.
    pub empty_header_maps: usize,
}

/// Rewrites progenitor's output as the module documentation says.
pub fn lighten(tokens: TokenStream) -> (TokenStream, Rewrites) {
    let mut counts = Rewrites::default();
    let out = rewrite(tokens, &mut counts);
    (out, counts)
}

fn rewrite(tokens: TokenStream, counts: &mut Rewrites) -> TokenStream {
    let mut trees: Vec<TokenTree> = tokens
        .into_iter()
        .map(|tree| match tree {
            TokenTree::Group(group) => {
                let inner = rewrite(group.stream(), counts);
                let mut new = Group::new(group.delimiter(), inner);
                new.set_span(group.span());
                TokenTree::Group(new)
            }
            other => other,
        })
        .collect();
    if remove_api_version(&mut trees) {
        counts.api_version_headers += 1;
        if lower_header_capacity(&mut trees) == Some(0) && drop_empty_header_map(&mut trees) {
            counts.empty_header_maps += 1;
        }
    }
    counts.path_segments += replace_encode_path(&mut trees);
    trees.into_iter().collect()
}

fn is_ident(tree: Option<&TokenTree>, name: &str) -> bool {
    matches!(tree, Some(TokenTree::Ident(i)) if i == name)
}

fn is_punct(tree: Option<&TokenTree>, ch: char) -> bool {
    matches!(tree, Some(TokenTree::Punct(p)) if p.as_char() == ch)
}

/// Removes `header_map . append ( <… "api-version" …> ) ;` from one token list.
fn remove_api_version(trees: &mut Vec<TokenTree>) -> bool {
    let found = (0..trees.len()).find(|&i| {
        is_ident(trees.get(i), "header_map")
            && is_punct(trees.get(i + 1), '.')
            && is_ident(trees.get(i + 2), "append")
            && matches!(trees.get(i + 3), Some(TokenTree::Group(g))
                if g.delimiter() == Delimiter::Parenthesis
                    && g.stream().to_string().contains("\"api-version\""))
            && is_punct(trees.get(i + 4), ';')
    });
    match found {
        Some(i) => {
            trees.drain(i..i + 5);
            true
        }
        None => false,
    }
}

/// `HeaderMap :: with_capacity ( Nusize )` in the same list becomes `N - 1`, which is
/// returned.
fn lower_header_capacity(trees: &mut [TokenTree]) -> Option<usize> {
    for i in 0..trees.len() {
        if !is_ident(trees.get(i), "with_capacity") {
            continue;
        }
        let Some(TokenTree::Group(group)) = trees.get(i + 1) else {
            continue;
        };
        let inner: Vec<TokenTree> = group.stream().into_iter().collect();
        let [TokenTree::Literal(literal)] = inner.as_slice() else {
            continue;
        };
        let Some(n) = literal
            .to_string()
            .strip_suffix("usize")
            .and_then(|n| n.parse::<usize>().ok())
        else {
            continue;
        };
        let lowered = n.saturating_sub(1);
        let literal = proc_macro2::Literal::usize_suffixed(lowered);
        let mut new = Group::new(Delimiter::Parenthesis, TokenTree::Literal(literal).into());
        new.set_span(group.span());
        trees[i + 1] = TokenTree::Group(new);
        return Some(lowered);
    }
    None
}

/// Removes `let mut header_map = … ;` and `. headers ( header_map )` from one token list, both
/// or neither; true when both went.
fn drop_empty_header_map(trees: &mut Vec<TokenTree>) -> bool {
    let Some(start) = (0..trees.len()).find(|&i| {
        is_ident(trees.get(i), "let")
            && is_ident(trees.get(i + 1), "mut")
            && is_ident(trees.get(i + 2), "header_map")
    }) else {
        return false;
    };
    let Some(end) = (start..trees.len()).find(|&j| is_punct(trees.get(j), ';')) else {
        return false;
    };
    let Some(call) = (end..trees.len()).find(|&i| {
        is_punct(trees.get(i), '.')
            && is_ident(trees.get(i + 1), "headers")
            && matches!(trees.get(i + 2), Some(TokenTree::Group(g))
                if g.delimiter() == Delimiter::Parenthesis
                    && g.stream().to_string() == "header_map")
    }) else {
        return false;
    };
    trees.drain(call..call + 3);
    trees.drain(start..=end);
    true
}

/// `encode_path ( & x . to_string ( ) )` becomes
/// `crate :: path_segment :: PathSegment ( & x )`; returns how many were replaced.
fn replace_encode_path(trees: &mut Vec<TokenTree>) -> usize {
    let mut replaced = 0;
    let mut i = 0;
    while i < trees.len() {
        if is_ident(trees.get(i), "encode_path")
            && let Some(TokenTree::Group(args)) = trees.get(i + 1)
            && args.delimiter() == Delimiter::Parenthesis
            && let Some(value) = to_string_argument(args.stream())
        {
            let span = args.span();
            let mut call: Vec<TokenTree> = Vec::new();
            for (n, name) in ["crate", "path_segment", "PathSegment"].iter().enumerate() {
                if n > 0 {
                    call.push(Punct::new(':', Spacing::Joint).into());
                    call.push(Punct::new(':', Spacing::Alone).into());
                }
                call.push(Ident::new(name, Span::call_site()).into());
            }
            let mut argument: Vec<TokenTree> = vec![Punct::new('&', Spacing::Alone).into()];
            argument.push(value);
            let mut group = Group::new(Delimiter::Parenthesis, argument.into_iter().collect());
            group.set_span(span);
            call.push(group.into());
            let len = call.len();
            trees.splice(i..i + 2, call);
            i += len;
            replaced += 1;
        } else {
            i += 1;
        }
    }
    replaced
}

/// `& x . to_string ( )` → `x` (an identifier), else `None`.
fn to_string_argument(stream: TokenStream) -> Option<TokenTree> {
    let trees: Vec<TokenTree> = stream.into_iter().collect();
    match trees.as_slice() {
        [
            TokenTree::Punct(amp),
            value @ TokenTree::Ident(_),
            TokenTree::Punct(dot),
            TokenTree::Ident(method),
            TokenTree::Group(call),
        ] if amp.as_char() == '&'
            && dot.as_char() == '.'
            && method == "to_string"
            && call.delimiter() == Delimiter::Parenthesis
            && call.stream().is_empty() =>
        {
            Some(value.clone())
        }
        _ => None,
    }
}

/// progenitor's hook calls around each send, line by line as prettyplease writes them.
const HOOK_CALLS: [&str; 4] = [
    "client.pre(&mut request, &info).await?;",
    "let result = client.exec(request, &info).await;",
    "client.post(&result, &info).await?;",
    "let response = result?;",
];

/// What replaces [`HOOK_CALLS`].
const TRANSPORT_CALL: &str =
    "let response = crate::transport::send(client, request, &info).await?;";

/// The rewrite of progenitor's hook calls described in the module documentation, on the
/// formatted code: returns the code and how many sends it rewrote.
pub fn one_transport_call(code: &str) -> (String, usize) {
    let lines: Vec<&str> = code.split('\n').collect();
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    let mut rewritten = 0;
    let mut i = 0;
    while i < lines.len() {
        let block = lines.get(i..i + HOOK_CALLS.len());
        let indent = lines[i].len() - lines[i].trim_start().len();
        if let Some(block) = block
            && block.iter().zip(HOOK_CALLS).all(|(line, call)| {
                line.trim() == call && line.len() - line.trim_start().len() == indent
            })
        {
            out.push(format!("{}{TRANSPORT_CALL}", &lines[i][..indent]));
            rewritten += 1;
            i += HOOK_CALLS.len();
        } else {
            out.push(lines[i].to_owned());
            i += 1;
        }
    }
    (out.join("\n"), rewritten)
}

/// The rewrite of required builder parameters described in the module documentation, on the
/// formatted code: returns the code, how many parameters it rewrote, and the names of those
/// whose `send` it did not find in the shape it rewrites (which would lose their message).
pub fn unset_without_allocating(code: &str) -> (String, usize, Vec<String>) {
    const START: &str = "Err(\"";
    const UNSET: &str = " was not initialized\".to_string())";
    let mut out = String::with_capacity(code.len());
    let mut rest = code;
    let mut rewritten = 0;
    let mut unset: Vec<String> = Vec::new();
    while let Some(at) = rest.find(START) {
        let after = &rest[at + START.len()..];
        let name_len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        if name_len > 0 && after[name_len..].starts_with(UNSET) {
            out.push_str(&rest[..at]);
            out.push_str("Err(::std::string::String::new())");
            unset.push(after[..name_len].to_owned());
            rest = &after[name_len + UNSET.len()..];
            rewritten += 1;
        } else {
            out.push_str(&rest[..at + START.len()]);
            rest = after;
        }
    }
    out.push_str(rest);
    // `let x = x.map_err(Error::InvalidRequest)?;` words an empty message (a parameter never
    // set; a failed conversion always says what failed) as progenitor did.
    const MAP: &str = ".map_err(Error::InvalidRequest)?;";
    let mut lines: Vec<String> = Vec::new();
    let mut worded: Vec<String> = Vec::new();
    for line in out.lines() {
        let trimmed = line.trim_start();
        let indent = &line[..line.len() - trimmed.len()];
        let same_name = trimmed
            .strip_prefix("let ")
            .and_then(|l| l.strip_suffix(MAP))
            .and_then(|l| l.split_once(" = "))
            .filter(|(a, b)| a == b && !a.is_empty());
        match same_name {
            Some((name, _)) => {
                worded.push(name.to_owned());
                lines.push(format!(
                    "{indent}let {name} = {name}.map_err(|e| Error::InvalidRequest(crate::builder_field::unset_or(e, \"{name}\")))?;"
                ));
            }
            None => lines.push(line.to_owned()),
        }
    }
    let mut code = lines.join("\n");
    if out.ends_with('\n') {
        code.push('\n');
    }
    unset.retain(|name| !worded.contains(name));
    (code, rewritten, unset)
}

#[cfg(test)]
mod tests {
    /// The four hook lines become one transport call, at their indentation; anything else,
    /// including the same lines out of order or apart, is left as it was.
    #[test]
    fn hook_calls_become_one_transport_call() {
        let send = "fn send() {\n    let info = 1;\n    client.pre(&mut request, &info).await?;\n    let result = client.exec(request, &info).await;\n    client.post(&result, &info).await?;\n    let response = result?;\n    match response {}\n}\n";
        let (code, n) = super::one_transport_call(send);
        assert_eq!(n, 1);
        assert_eq!(
            code,
            "fn send() {\n    let info = 1;\n    let response = crate::transport::send(client, request, &info).await?;\n    match response {}\n}\n"
        );
        let apart = send.replace("    client.post", "    other();\n    client.post");
        assert_eq!(super::one_transport_call(&apart), (apart.clone(), 0));
    }

    use super::*;

    #[test]
    fn rewrites_the_shapes_progenitor_writes() {
        let tokens = quote::quote! {
            fn send() {
                let url = format!("{}/v1/skills/{}", client.baseurl, encode_path(&skill_id.to_string()),);
                let mut header_map = ::reqwest::header::HeaderMap::with_capacity(2usize);
                header_map.append(
                    ::reqwest::header::HeaderName::from_static("api-version"),
                    ::reqwest::header::HeaderValue::from_static(super::Client::api_version()),
                );
                header_map.append("If-Match", if_match.to_string().try_into()?);
            }
        };
        let (out, counts) = lighten(tokens);
        assert_eq!(
            counts,
            Rewrites {
                api_version_headers: 1,
                path_segments: 1,
                empty_header_maps: 0,
            }
        );
        let text = out.to_string();
        assert!(!text.contains("api-version"), "{text}");
        assert!(text.contains("with_capacity (1usize)"), "{text}");
        assert!(text.contains("If-Match"), "{text}");
        assert!(
            text.contains("crate :: path_segment :: PathSegment (& skill_id)"),
            "{text}"
        );
        assert!(!text.contains("encode_path"), "{text}");
    }

    #[test]
    fn an_operation_without_header_parameters_builds_no_header_map() {
        let tokens = quote::quote! {
            fn send() {
                let mut header_map = ::reqwest::header::HeaderMap::with_capacity(1usize);
                header_map.append(
                    ::reqwest::header::HeaderName::from_static("api-version"),
                    ::reqwest::header::HeaderValue::from_static(super::Client::api_version()),
                );
                #[allow(unused_mut)]
                let mut request = client.client.get(url).header(ACCEPT, v).headers(header_map).build()?;
            }
        };
        let (out, counts) = lighten(tokens);
        assert_eq!(counts.empty_header_maps, 1);
        let text = out.to_string();
        assert!(!text.contains("header_map"), "{text}");
        assert!(
            text.contains(
                "let mut request = client . client . get (url) . header (ACCEPT , v) . build () ?"
            ),
            "{text}"
        );
    }

    #[test]
    fn required_parameters_start_unset_without_allocating() {
        let code = "Self {\n    client: client,\n    skill_id: Err(\"skill_id was not initialized\".to_string()),\n    next_token: Ok(None),\n}\nlet skill_id = skill_id.map_err(Error::InvalidRequest)?;\nlet next_token = next_token.map_err(Error::InvalidRequest)?;\nlet x = Err(\"other\".to_string());\n";
        let (out, n, unworded) = unset_without_allocating(code);
        assert_eq!((n, unworded.len()), (1, 0));
        assert!(
            out.contains("skill_id: Err(::std::string::String::new()),"),
            "{out}"
        );
        assert!(out.contains("let skill_id = skill_id.map_err(|e| Error::InvalidRequest(crate::builder_field::unset_or(e, \"skill_id\")))?;"), "{out}");
        assert!(out.contains("let next_token = next_token.map_err(|e| Error::InvalidRequest(crate::builder_field::unset_or(e, \"next_token\")))?;"), "{out}");
        assert!(out.contains("let x = Err(\"other\".to_string());"), "{out}");
        assert!(out.ends_with('\n'));
        // A parameter whose `send` is not in the rewritten shape is reported.
        let (_, _, unworded) =
            unset_without_allocating("Err(\"id was not initialized\".to_string())");
        assert_eq!(unworded, vec!["id".to_owned()]);
    }

    #[test]
    fn leaves_other_calls_alone() {
        let tokens = quote::quote! {
            fn f() { encode_path(&format!("{}", x)); header_map.append("x", y); }
        };
        let (out, counts) = lighten(tokens.clone());
        assert_eq!(counts, Rewrites::default());
        assert_eq!(out.to_string(), tokens.to_string());
    }
}
