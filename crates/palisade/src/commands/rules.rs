//! `palisade rules`: lists every rule, or prints one rule's documentation.

use palisade_model::StringEnum;

use crate::Outcome;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A rule code (`DF001`): print its documentation.
    code: Option<String>,
    /// List as JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(args: &Args) -> anyhow::Result<Outcome> {
    if let Some(code) = &args.code {
        let Some(meta) = palisade_rules::rule(code) else {
            let codes: Vec<&str> = palisade_rules::all_rules().iter().map(|m| m.code).collect();
            let hint = palisade_diagnostics::did_you_mean(code, codes.iter().copied())
                .map(|c| format!(" (did you mean `{c}`?)"))
                .unwrap_or_default();
            anyhow::bail!("no rule has the code `{code}`{hint}; `palisade rules` lists them");
        };
        crate::output::print_stdout(&format!("{}\n", meta.page()))?;
        return Ok(Outcome::Success);
    }
    let rules = palisade_rules::all_rules();
    if args.json {
        crate::output::print_stdout(&format!("{}\n", serde_json::to_string_pretty(&rules)?))?;
        return Ok(Outcome::Success);
    }
    let mut out = String::new();
    for m in rules {
        let stride: String = m.stride.iter().map(|s| s.letter()).collect();
        let owasp: Vec<&str> = m.owasp_2023.iter().map(|o| o.code()).collect();
        out.push_str(&format!(
            "{:<6} {:<8} {:<6} {:<12} {}\n",
            m.code,
            m.severity.as_str(),
            stride,
            owasp.join(","),
            m.name
        ));
    }
    crate::output::print_stdout(&out)?;
    Ok(Outcome::Success)
}
