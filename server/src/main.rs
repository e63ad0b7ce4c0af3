//! `cinecloud`: serve the app, or manage admin accounts.

use std::{io::BufRead, process::ExitCode};

use anyhow::Context;

use cinecloud_core::accounts::{self, SignUp};
use clap::Parser;
use server::{
    cli::{AdminCommand, Cli, Command, ImportCommand, RecommendCommand},
    config::Settings,
    startup, telemetry,
};

fn main() -> ExitCode {
    server::memory::return_large_blocks_when_freed();
    match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime.block_on(run()),
        Err(e) => {
            eprintln!("cinecloud: could not start the async runtime: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> ExitCode {
    let cli = Cli::parse();
    // Offline tools that need neither a database nor media storage.
    let offline = match &cli.command {
        Some(Command::Recommend(RecommendCommand::Eval(args))) => Some(server::recommend::eval(args)),
        Some(Command::Precompress) => Some(
            server::web::assets::precompress(std::path::Path::new(&cli.options.site_root))
                .map(|report| println!("{report}"))
                .map_err(|e| format!("{e:#}")),
        ),
        Some(Command::Healthcheck) => Some(server::web::health::check(&cli.options.listen)),
        _ => None,
    };
    if let Some(result) = offline {
        return match result {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("cinecloud: {e}");
                ExitCode::FAILURE
            }
        };
    }
    let settings = match Settings::from_options(&cli.options) {
        Ok(settings) => settings,
        Err(e) => {
            eprintln!("cinecloud: configuration error: {e}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(settings.log_format);
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => startup::serve(settings).await,
        Command::Admin(command) => admin(settings, command).await,
        Command::Seed { synthetic, seed } => seed_catalog(settings, synthetic, seed).await,
        Command::Recommend(_) | Command::Precompress | Command::Healthcheck => {
            unreachable!("handled before the settings are read")
        }
        Command::Import(ImportCommand::Movielens { dir }) => import_movielens(settings, &dir).await,
        Command::Import(ImportCommand::Tmdb { missing_only, ids, restart }) => {
            match server::tmdb_import::run(settings, missing_only, ids.as_deref(), restart).await {
                Ok(true) => Ok(()),
                Ok(false) => return ExitCode::FAILURE,
                Err(e) => Err(e),
            }
        }
        Command::ConvertCovers => convert_covers(settings).await,
        Command::Check { fix, older_than } => match check_media(settings, fix, older_than).await {
            Ok(true) => Ok(()),
            Ok(false) => return ExitCode::FAILURE,
            Err(e) => Err(e),
        },
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("cinecloud: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn import_movielens(settings: Settings, dir: &std::path::Path) -> anyhow::Result<()> {
    let services = startup::connect_services(&settings).await?;
    let mut bar = server::progress::Bar::new("ratings");
    let report = cinecloud_core::movielens::import(&services.db, dir, |p| {
        bar.update(p.bytes_read, p.bytes_total, p.ratings_read)
    })
    .await?;
    bar.finish();
    println!(
        "Imported {}: {} movies ({} created, {} matched to the catalog, {} given TMDb/IMDb ids), {} new viewers, {} ratings read, {} written.",
        dir.display(),
        report.movies,
        report.movies_created,
        report.movies_matched,
        report.ids_stored,
        report.viewers_created,
        report.ratings,
        report.ratings_written
    );
    Ok(())
}

/// `cinecloud check`: prints the report; true when the database and media storage agree.
async fn check_media(settings: Settings, fix: bool, older_than: u64) -> anyhow::Result<bool> {
    let services = startup::connect_services(&settings).await?;
    let min_age = i64::try_from(older_than).unwrap_or(i64::MAX);
    let now = cinecloud_core::clock::now_unix();
    let report = cinecloud_core::integrity::check(&services, now, min_age, fix).await?;
    print!("{report}");
    Ok(report.is_clean())
}

/// `cinecloud convert-covers`.
async fn convert_covers(settings: Settings) -> anyhow::Result<()> {
    let services = startup::connect_services(&settings).await?;
    let done = cinecloud_core::covers::convert_jpeg_covers(&services).await?;
    println!("Converted {} covers to WebP; {} left as they were.", done.converted, done.skipped);
    Ok(())
}

async fn seed_catalog(settings: Settings, synthetic: Option<usize>, seed: u64) -> anyhow::Result<()> {
    use cinecloud_core::catalog::seed;
    let services = startup::connect_services(&settings).await?;
    match synthetic {
        Some(n) => {
            let added = seed::seed_synthetic(&services.db, n, seed).await?;
            println!("Added {added} synthetic movies.");
        }
        None => {
            match seed::load_demo(&services).await? {
                0 => println!("The catalog is not empty; the demo catalog was not loaded."),
                added => println!("Loaded {added} demo movies."),
            }
            // Also for a catalog loaded before demo clips existed.
            match seed::attach_demo_clips(&services).await? {
                0 => {}
                clips => println!("Gave {clips} demo movies a generated clip."),
            }
        }
    }
    Ok(())
}

async fn admin(settings: Settings, command: AdminCommand) -> anyhow::Result<()> {
    let services = startup::connect_services(&settings).await?;
    let db = &services.db;
    match command {
        AdminCommand::Create { email, name } => {
            let password = match std::env::var("CINECLOUD_ADMIN_PASSWORD") {
                Ok(password) => password,
                Err(_) => {
                    eprintln!("Password for {email} (one line on standard input):");
                    let mut line = String::new();
                    std::io::stdin().lock().read_line(&mut line)?;
                    line.trim_end_matches(['\r', '\n']).to_owned()
                }
            };
            let user = accounts::create_admin(db, SignUp { email: &email, display_name: &name, password: &password })
                .await
                .context("creating the admin")?;
            println!("Created admin {} (id {}).", user.email, user.id);
        }
        AdminCommand::Promote { email } => {
            let user = accounts::promote(db, &email).await.with_context(|| format!("promoting {email}"))?;
            println!("{} is now an admin.", user.email);
        }
        AdminCommand::SetupLink => match accounts::issue_setup_token(db).await.context("issuing the setup link")? {
            Some(token) => {
                let mut link = settings.public_url.join("/setup")?;
                link.query_pairs_mut().append_pair("token", &token);
                println!("{link}");
            }
            None => anyhow::bail!("an admin already exists; use `cinecloud admin promote EMAIL` instead"),
        },
    }
    Ok(())
}
