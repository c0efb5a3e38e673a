//! `palisade admin`: accounts and API tokens, straight in the server's database (for the first
//! user, and for operators).

use std::io::Read as _;

use anyhow::Context as _;
use palisade_server::Store;
use palisade_server::store::{AuditRecord, Scope};

use crate::Outcome;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: AdminCommand,
}

#[derive(Debug, clap::Subcommand)]
enum AdminCommand {
    /// Create a user; the password is read from standard input (argon2-hashed, never stored).
    CreateUser {
        /// The server's database (as for `palisade serve --db`).
        #[arg(long, env = "PALISADE_DB", default_value = "palisade.db")]
        db: String,
        /// The user's name (letters, digits, `.`, `_`, `-`, `@`).
        #[arg(long)]
        name: String,
    },
    /// Create an API token for a user and print it once (only its SHA-256 is stored).
    CreateToken {
        #[arg(long, env = "PALISADE_DB", default_value = "palisade.db")]
        db: String,
        /// Whose token it is.
        #[arg(long)]
        user: String,
        /// `read` (the default) or `write`.
        #[arg(long, value_parser = ["read", "write"], default_value = "read")]
        scope: String,
    },
    /// Revoke a token by its id (see `list-tokens`); it stops working at once.
    RevokeToken {
        #[arg(long, env = "PALISADE_DB", default_value = "palisade.db")]
        db: String,
        /// The token's id.
        #[arg(long)]
        id: String,
    },
    /// List tokens (never their secrets).
    ListTokens {
        #[arg(long, env = "PALISADE_DB", default_value = "palisade.db")]
        db: String,
    },
}

pub fn run(args: &Args) -> anyhow::Result<Outcome> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(admin(&args.command))
}

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'))
}

async fn open(db: &str) -> anyhow::Result<Store> {
    Store::connect(db)
        .await
        .with_context(|| format!("cannot open the database `{db}`"))
}

/// Records an admin command in the audit log: who ran it (the operating-system user) and what.
async fn audit(store: &Store, action: &str, after: serde_json::Value) -> anyhow::Result<()> {
    let who = std::env::var("USER").unwrap_or_else(|_| "unknown".to_owned());
    let record = AuditRecord {
        actor: format!("admin:{who}"),
        action: action.to_owned(),
        after: Some(after),
        ..AuditRecord::default()
    };
    store
        .append_audit(None, &record)
        .await
        .context("cannot write the audit log")
}

async fn admin(command: &AdminCommand) -> anyhow::Result<Outcome> {
    match command {
        AdminCommand::CreateUser { db, name } => {
            anyhow::ensure!(
                valid_name(name),
                "invalid user name `{name}`: use 1 to 64 letters, digits, `.`, `_`, `-` or `@`"
            );
            let mut password = String::new();
            std::io::stdin()
                .take(4096)
                .read_to_string(&mut password)
                .context("cannot read the password from standard input")?;
            let password = password.trim_end_matches(['\r', '\n']);
            anyhow::ensure!(
                password.chars().count() >= 8,
                "the password must have at least 8 characters (read from standard input)"
            );
            let hash = palisade_server::auth::hash_password(password)?;
            let store = open(db).await?;
            let user = store.create_user(name, &hash).await?;
            audit(
                &store,
                "user.create",
                serde_json::json!({"user": user.name}),
            )
            .await?;
            store.close().await;
            eprintln!("created user `{}`", user.name);
        }
        AdminCommand::CreateToken { db, user, scope } => {
            let scope = Scope::parse(scope).unwrap_or(Scope::Read);
            let store = open(db).await?;
            let (token, digest) = palisade_server::auth::new_token();
            let info = store.create_token(user, &digest, scope).await?;
            let after =
                serde_json::json!({"token": info.id, "user": info.user, "scope": info.scope});
            audit(&store, "token.create", after).await?;
            store.close().await;
            crate::output::print_stdout(&format!("{token}\n"))?;
            eprintln!(
                "created {} token {} for `{}`: it is shown once; store it now",
                info.scope.as_str(),
                info.id,
                info.user
            );
        }
        AdminCommand::RevokeToken { db, id } => {
            let store = open(db).await?;
            store.revoke_token(id, None).await?;
            audit(&store, "token.revoke", serde_json::json!({"token": id})).await?;
            store.close().await;
            eprintln!("revoked token {id}");
        }
        AdminCommand::ListTokens { db } => {
            let store = open(db).await?;
            let tokens = store.tokens(None).await?;
            store.close().await;
            let mut out = String::new();
            for t in tokens {
                out.push_str(&format!(
                    "{}  {:<5}  {}{}\n",
                    t.id,
                    t.scope.as_str(),
                    t.user,
                    if t.revoked_at.is_some() {
                        "  (revoked)"
                    } else {
                        ""
                    }
                ));
            }
            crate::output::print_stdout(&out)?;
        }
    }
    Ok(Outcome::Success)
}
