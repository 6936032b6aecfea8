//! A crate-private `send_bytes` next to the generated `send` of the operations listed in
//! [`UNDECODED_SENDS`]: the same request, hooks, retries and error handling, with the success
//! body read (its break-off still `ResponseBodyError`) but not decoded.
//!
//! A decoded manifest is about 3 KB. Decoded inside `send` and returned by value, it was
//! copied at every `.await` and `match` between the JSON decoder and the caller (about a dozen
//! times per `Skills::manifest`). With `send_bytes` the wrapper decodes where it builds its
//! answer. The public `send` keeps its signature and behaviour.

use proc_macro2::Span;

/// Spec `operationId`s whose generated builder gets a crate-private `send_bytes`. Each must be
/// an operation of the spec with a JSON success body (generation fails otherwise).
pub const UNDECODED_SENDS: &[&str] = &["getSkillManifest"];

/// Adds `send_bytes` to the builder of each operation in `operations` (spec operation IDs);
/// returns the operation IDs it could not add one for.
pub fn add(ast: &mut syn::File, operations: &[&str]) -> Vec<String> {
    let mut missing: Vec<String> = Vec::new();
    for op in operations {
        let builder = pascal_case(op);
        let found = builder_impls(ast)
            .into_iter()
            .find(|imp| self_ty_is(imp, &builder))
            .and_then(|imp| {
                let send = imp.items.iter().find_map(|item| match item {
                    syn::ImplItem::Fn(f) if f.sig.ident == "send" => Some(f.clone()),
                    _ => None,
                })?;
                let undecoded = undecoded(send)?;
                imp.items.push(syn::ImplItem::Fn(undecoded));
                Some(())
            });
        if found.is_none() {
            missing.push((*op).to_owned());
        }
    }
    missing
}

/// `getSkillManifest` → `GetSkillManifest`, progenitor's builder name.
fn pascal_case(op: &str) -> String {
    let mut chars = op.chars();
    chars
        .next()
        .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

fn builder_impls(ast: &mut syn::File) -> Vec<&mut syn::ItemImpl> {
    ast.items
        .iter_mut()
        .filter_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "builder" => m.content.as_mut(),
            _ => None,
        })
        .flat_map(|(_, items)| items.iter_mut())
        .filter_map(|item| match item {
            syn::Item::Impl(imp) if imp.trait_.is_none() => Some(imp),
            _ => None,
        })
        .collect()
}

fn self_ty_is(imp: &syn::ItemImpl, name: &str) -> bool {
    matches!(&*imp.self_ty, syn::Type::Path(p)
        if p.path.segments.last().is_some_and(|s| s.ident == name))
}

/// What progenitor writes for a JSON success body (the arm's whole expression).
const DECODED_SUCCESS: &str = "ResponseValue :: from_response (response) . await";

/// `send` renamed `send_bytes`, crate-private, returning `ResponseValue<Bytes>` where `send`
/// returns `ResponseValue<T>`, its success arm reading the body without decoding it. `None`
/// when `send` is not of that shape (exactly one such success arm).
fn undecoded(mut send: syn::ImplItemFn) -> Option<syn::ImplItemFn> {
    send.sig.ident = syn::Ident::new("send_bytes", Span::call_site());
    send.vis = syn::parse_quote!(pub(crate));
    send.attrs = vec![syn::parse_quote!(
        #[doc = "[`Self::send`] with the success body read but not decoded (codegen's `undecoded_sends`)."]
    )];
    let syn::ReturnType::Type(_, output) = &mut send.sig.output else {
        return None;
    };
    let response_value = first_generic_of(output, "Result")?;
    *first_generic_of(response_value, "ResponseValue")? = syn::parse_quote!(::bytes::Bytes);
    let Some(syn::Stmt::Expr(syn::Expr::Match(answer), None)) = send.block.stmts.last_mut() else {
        return None;
    };
    let mut replaced = 0;
    for arm in &mut answer.arms {
        let body = quote::ToTokens::to_token_stream(&arm.body).to_string();
        // progenitor writes each arm's expression in a block.
        let body = body
            .strip_prefix("{ ")
            .and_then(|b| b.strip_suffix(" }"))
            .unwrap_or(&body);
        if body == DECODED_SUCCESS {
            *arm.body = syn::parse_quote!(crate::response_value::bytes(response).await);
            replaced += 1;
        }
    }
    (replaced == 1).then_some(send)
}

/// The first type argument of `ty` when `ty` is `name<…>`.
fn first_generic_of<'t>(ty: &'t mut syn::Type, name: &str) -> Option<&'t mut syn::Type> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let last = path.path.segments.last_mut()?;
    if last.ident != name {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &mut last.arguments else {
        return None;
    };
    args.args.iter_mut().find_map(|arg| match arg {
        syn::GenericArgument::Type(t) => Some(t),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builder_with(send: syn::ImplItemFn) -> syn::File {
        syn::parse_quote! {
            pub mod builder {
                impl<'a> GetSkillManifest<'a> {
                    #send
                }
            }
        }
    }

    #[test]
    fn adds_an_undecoded_send_next_to_send() {
        let mut ast = builder_with(syn::parse_quote! {
            pub async fn send(self) -> Result<ResponseValue<types::SkillManifestEnvelope>, Error<types::ServerError>> {
                let response = result?;
                match response.status().as_u16() {
                    200u16 => { ResponseValue::from_response(response).await }
                    404u16 => Err(Error::ErrorResponse(ResponseValue::from_response(response).await?)),
                    _ => Err(Error::UnexpectedResponse(response)),
                }
            }
        });
        assert!(add(&mut ast, &["getSkillManifest"]).is_empty());
        let text = quote::ToTokens::to_token_stream(&ast).to_string();
        assert!(text.contains("pub (crate) async fn send_bytes (self) -> Result < ResponseValue < :: bytes :: Bytes > , Error < types :: ServerError > >"), "{text}");
        assert!(
            text.contains("200u16 => crate :: response_value :: bytes (response) . await"),
            "{text}"
        );
        assert!(text.contains("404u16 => Err (Error :: ErrorResponse (ResponseValue :: from_response (response) . await ?))"), "{text}");
        // `send` itself is unchanged.
        assert!(text.contains("pub async fn send (self) -> Result < ResponseValue < types :: SkillManifestEnvelope > ,"), "{text}");
        assert!(
            text.contains("200u16 => { ResponseValue :: from_response (response) . await }"),
            "{text}"
        );
        assert_eq!(
            add(&mut ast, &["getSkillStatus"]),
            vec!["getSkillStatus".to_owned()]
        );
    }

    #[test]
    fn refuses_a_send_without_one_json_success_arm() {
        let mut ast = builder_with(syn::parse_quote! {
            pub async fn send(self) -> Result<ResponseValue<()>, Error<types::ServerError>> {
                let response = result?;
                match response.status().as_u16() {
                    204u16 => Ok(ResponseValue::empty(response)),
                    _ => Err(Error::UnexpectedResponse(response)),
                }
            }
        });
        assert_eq!(
            add(&mut ast, &["getSkillManifest"]),
            vec!["getSkillManifest".to_owned()]
        );
    }
}
