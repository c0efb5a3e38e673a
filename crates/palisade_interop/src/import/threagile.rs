//! placeholder
use palisade_syntax::Node;
use crate::cx::Cx;
pub(crate) fn import(cx: Cx, _root: &Node) -> Result<crate::Imported, Vec<palisade_diagnostics::Diagnostic>> { Err(cx.into_errors()) }
