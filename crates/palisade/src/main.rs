//! The `palisade` command line: one module per command under `commands/`, exit codes here.
//!
//! Exit codes: 0 success (nothing at or above the threshold), 1 findings or a failed policy,
//! 2 usage, IO or input error. A closed pipe ends the program quietly.

mod commands;
mod fetch;
mod output;
mod threats;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::output::ColorChoice;

/// Threat modeling as code for APIs.
#[derive(Debug, Parser)]
#[command(name = "palisade", version, about, long_about = None, propagate_version = true)]
struct Cli {
    /// When to use colour: `auto` (a terminal, and `NO_COLOR` unset), `always` or `never`.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check model files and report every problem with its file, line and column.
    Validate(commands::validate::Args),
    /// Write a commented starter model that validates and teaches the format.
    Init(commands::init::Args),
    /// Print the JSON Schema of the model format (for editors).
    Schema(commands::schema::Args),
    /// Find the threats in models and their OpenAPI documents.
    Analyze(commands::analyze::Args),
    /// List the rules, or print one rule's documentation.
    Rules(commands::rules::Args),
    /// Show what an OpenAPI document exposes: operations, security, servers, versions.
    Inventory(commands::inventory::Args),
    /// Import a Threat Dragon, OTM, Threagile, pytm, Threat Composer or TMT model.
    Import(commands::import::Args),
    /// Export a model to Threat Dragon or OTM, or its open threats to Jira CSV or GitHub issues.
    Export(commands::export::Args),
    /// Draw the model's data-flow diagram as SVG, Graphviz DOT or Mermaid.
    Diagram(commands::diagram::Args),
    /// Gate CI on the model's policy: unresolved threats, coverage, drift, assumptions, tickets.
    Check(commands::check::Args),
    /// Record decisions about threats in the model (`palisade threat set ID --status …`).
    Threat(commands::threat::Args),
    /// Record a review of the model against its OpenAPI documents (date, reviewer, spec hashes).
    Review(commands::review::Args),
    /// Show what changed between two versions of a model or OpenAPI document (files or REV:path).
    Diff(commands::diff::Args),
    /// Run the HTTP API for a team (SQLite by default, PostgreSQL with `--db postgres://…`).
    Serve(commands::serve::Args),
    /// Manage the server's users and API tokens.
    Admin(commands::admin::Args),
}

/// What a command reports back to `main`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Exit 0.
    Success,
    /// Exit 1: findings at or above the threshold, or a failed policy.
    Findings,
    /// Exit 2: the input was invalid (already reported).
    InputError,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let color = cli.color.resolve();
    let result = match cli.command {
        Command::Validate(args) => commands::validate::run(&args, color),
        Command::Init(args) => commands::init::run(&args, color),
        Command::Schema(args) => commands::schema::run(&args),
        Command::Analyze(args) => commands::analyze::run(&args, color),
        Command::Rules(args) => commands::rules::run(&args),
        Command::Inventory(args) => commands::inventory::run(&args, color),
        Command::Import(args) => commands::import::run(&args, color),
        Command::Export(args) => commands::export::run(&args, color),
        Command::Diagram(args) => commands::diagram::run(&args, color),
        Command::Check(args) => commands::check::run(&args, color),
        Command::Threat(args) => commands::threat::run(&args, color),
        Command::Diff(args) => commands::diff::run(&args, color),
        Command::Review(args) => commands::review::run(&args, color),
        Command::Serve(args) => commands::serve::run(&args),
        Command::Admin(args) => commands::admin::run(&args),
    };
    match result {
        Ok(Outcome::Success) => ExitCode::SUCCESS,
        Ok(Outcome::Findings) => ExitCode::from(1),
        Ok(Outcome::InputError) => ExitCode::from(2),
        Err(error) => {
            if is_broken_pipe(&error) {
                return ExitCode::SUCCESS;
            }
            output::print_error(&error, color);
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
