//! `palisade threat set`: records a decision about threats in the model file, editing its text in
//! place so that comments, order and formatting stay as the person wrote them. The result is
//! re-loaded and compared with the original before it is written (atomically); nothing is written
//! when it would not validate or would change anything but the decisions.

use std::path::PathBuf;

use palisade_diagnostics::{SourceMap, did_you_mean};
use palisade_loader::FieldValue;
use palisade_model::{Date, Model, Status, Strategy, StringEnum, ThreatEntry};
use palisade_project::Input;
use palisade_rules::{Settings, Threat};

use crate::Outcome;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Record a decision about one or more threats: status, strategy, justification, owner,
    /// ticket, mitigations.
    Set(SetArgs),
}

#[derive(Debug, clap::Args)]
struct SetArgs {
    /// Threat ids (`TH-…` from `palisade analyze`, or the id of a threat written in the model).
    #[arg(required = true, value_name = "ID")]
    ids: Vec<String>,
    /// The model file.
    #[arg(short, long, default_value = "palisade.yaml", value_name = "FILE")]
    model: PathBuf,
    /// open, needs_investigation, in_progress, mitigated, accepted, transferred, avoided,
    /// not_applicable, false_positive.
    #[arg(long, value_parser = parse_enum::<Status>)]
    status: Option<Status>,
    /// reduce, transfer, avoid, accept.
    #[arg(long, value_parser = parse_enum::<Strategy>)]
    strategy: Option<Strategy>,
    /// Why: required to accept or transfer a risk.
    #[arg(long)]
    justification: Option<String>,
    /// Who owns the follow-up.
    #[arg(long)]
    owner: Option<String>,
    /// The ticket that tracks it: an id (`PAY-123`) or a URL.
    #[arg(long)]
    ticket: Option<String>,
    /// When the decision was made (default: today, when a status or strategy is set).
    #[arg(long, value_parser = super::check::parse_date)]
    date: Option<Date>,
    /// Who verified the decision.
    #[arg(long)]
    checked_by: Option<String>,
    /// A mitigation (id under `mitigations:`) that addresses the threats; repeatable. The list
    /// replaces the one recorded.
    #[arg(long = "mitigation", value_name = "ID")]
    mitigations: Vec<String>,
}

fn parse_enum<T: StringEnum>(text: &str) -> Result<T, String> {
    T::parse(&text.to_ascii_lowercase().replace('-', "_")).ok_or_else(|| {
        let all: Vec<&str> = T::ALL.iter().map(|v| v.as_str()).collect();
        format!("expected one of: {}", all.join(", "))
    })
}

pub fn run(args: &Args, color: bool) -> anyhow::Result<Outcome> {
    match &args.command {
        Command::Set(set) => run_set(set, color),
    }
}

/// An input error (exit 2) with what to do.
fn refuse(message: &str) -> anyhow::Result<Outcome> {
    anyhow::bail!("{message}")
}

fn run_set(args: &SetArgs, color: bool) -> anyhow::Result<Outcome> {
    // A document that vanished does not stop a decision on the model's other threats.
    let loaded = palisade_project::load_with(
        std::slice::from_ref(&args.model),
        &palisade_project::Options {
            tolerate_missing_specs: true,
            ..Default::default()
        },
    );
    crate::output::print_diagnostics(&loaded.diagnostics, &loaded.sources, color)?;
    if loaded.failed {
        return Ok(Outcome::InputError);
    }
    let Some(Input::Model { model, file, .. }) = loaded.inputs.first() else {
        return refuse(&format!(
            "{} is an OpenAPI document: decisions are recorded in a model (`palisade init --from {}` starts one)",
            args.model.display(),
            args.model.display()
        ));
    };
    let threats = loaded.inputs[0].analyze(&Settings::default());
    check_arguments(args, model)?;
    let label = file.clone();
    let original = std::fs::read_to_string(&args.model)?;
    let today = super::check::today();
    let mut text = original.clone();
    let mut done = Vec::new();
    for id in &args.ids {
        let threat = threats.iter().find(|t| t.id.as_str() == id.as_str());
        let entry = model.threats.iter().find(|t| t.id.as_str() == id.as_str());
        if threat.is_none() && entry.is_none() {
            let hint = did_you_mean(id, threats.iter().map(|t| t.id.as_str()))
                .map(|s| format!("did you mean `{s}`? "))
                .unwrap_or_default();
            return refuse(&format!(
                "no threat of {label} has the id `{id}`; {hint}`palisade analyze {label}` lists them"
            ));
        }
        check_justification(args, id, entry)?;
        let fields = fields(args, threat, entry, today);
        text = palisade_loader::set_threat_fields(&label, &text, id, &fields)?;
        done.push((id.clone(), describe(&fields)));
    }
    let after = match palisade_loader::load_str(&label, &text) {
        Ok(after) => after.model,
        Err(failure) => {
            let mut sources = SourceMap::new();
            if let Some(s) = failure.source {
                sources.add(s);
            }
            crate::output::print_diagnostics(&failure.diagnostics, &sources, color)?;
            return refuse(&format!(
                "the decision would make {label} invalid (above, as it would read); nothing was written"
            ));
        }
    };
    let ids: Vec<&str> = args.ids.iter().map(String::as_str).collect();
    if !palisade_loader::only_threats_changed(model, &after, &ids) {
        return refuse(&format!(
            "recording the decision would change more of {label} than its `threats:` entries; nothing was written (please report this)"
        ));
    }
    palisade_loader::write_atomic(&args.model, text.as_bytes())?;
    let mut out = String::new();
    for (id, what) in done {
        out.push_str(&format!("recorded {id} in {label}: {what}\n"));
    }
    crate::output::print_stdout(&out)?;
    Ok(Outcome::Success)
}

fn check_arguments(args: &SetArgs, model: &Model) -> anyhow::Result<()> {
    let nothing = args.status.is_none()
        && args.strategy.is_none()
        && args.justification.is_none()
        && args.owner.is_none()
        && args.ticket.is_none()
        && args.date.is_none()
        && args.checked_by.is_none()
        && args.mitigations.is_empty();
    if nothing {
        anyhow::bail!(
            "nothing to record: give at least one of --status, --strategy, --justification, --owner, --ticket, --date, --checked-by, --mitigation"
        );
    }
    for m in &args.mitigations {
        if model.mitigation(m).is_none() {
            let hint = did_you_mean(m, model.mitigations.iter().map(|x| x.id.as_str()))
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            anyhow::bail!(
                "no mitigation `{m}` under `mitigations:`{hint}; define it first, with its `kind`"
            );
        }
    }
    Ok(())
}

fn check_justification(
    args: &SetArgs,
    id: &str,
    entry: Option<&ThreatEntry>,
) -> anyhow::Result<()> {
    let status = args.status.or(entry.and_then(|e| e.status));
    let strategy = args.strategy.or(entry.and_then(|e| e.strategy));
    let needs = matches!(status, Some(Status::Accepted | Status::Transferred))
        || matches!(strategy, Some(Strategy::Accept | Strategy::Transfer));
    let has = args
        .justification
        .as_deref()
        .or(entry.and_then(|e| e.justification.as_deref()))
        .is_some_and(|j| !j.trim().is_empty());
    if needs && !has {
        anyhow::bail!(
            "accepting or transferring {id} needs a justification: add --justification \"why the risk is acceptable, or who carries it\""
        );
    }
    Ok(())
}

/// The keys to write, in the order a person reads them.
fn fields(
    args: &SetArgs,
    threat: Option<&Threat>,
    entry: Option<&ThreatEntry>,
    today: Date,
) -> Vec<(&'static str, FieldValue)> {
    let text = |s: &str| FieldValue::Text(s.to_owned());
    let mut out = Vec::new();
    if entry.is_none()
        && let Some(t) = threat.filter(|t| t.rule != palisade_rules::MANUAL)
    {
        out.push(("rule", text(&t.rule)));
        out.push(("subject", text(&t.target.label())));
    }
    if let Some(s) = args.status {
        out.push(("status", text(s.as_str())));
    }
    if let Some(s) = args.strategy {
        out.push(("strategy", text(s.as_str())));
    }
    if let Some(j) = &args.justification {
        out.push(("justification", text(j)));
    }
    if let Some(o) = &args.owner {
        out.push(("owner", text(o)));
    }
    if let Some(t) = &args.ticket {
        out.push(("ticket", text(t)));
    }
    let date = args
        .date
        .or_else(|| (args.status.is_some() || args.strategy.is_some()).then_some(today));
    if let Some(d) = date {
        out.push(("date", text(&d.to_string())));
    }
    if let Some(c) = &args.checked_by {
        out.push(("checked_by", text(c)));
    }
    if !args.mitigations.is_empty() {
        out.push(("mitigations", FieldValue::List(args.mitigations.clone())));
    }
    out
}

fn describe(fields: &[(&str, FieldValue)]) -> String {
    fields
        .iter()
        .filter(|(k, _)| !matches!(*k, "rule" | "subject"))
        .map(|(k, v)| match v {
            FieldValue::Text(t) => format!("{k} {t}"),
            FieldValue::List(items) => format!("{k} [{}]", items.join(", ")),
        })
        .collect::<Vec<_>>()
        .join(", ")
}
