//! The PostgreSQL password from AWS Secrets Manager, read again when it rotates (#18).
//!
//! RDS keeps the master password in a secret and rotates it (every 7 days by default). A password
//! handed to the process once at start, as ECS's task `secrets` do, is refused for every
//! connection opened after a rotation, and the pool opens new ones all the time (lifetimes,
//! load, a database restart). With `CINECLOUD_DATABASE_SECRET` the server reads the user and
//! password from the secret itself: at start, every `CINECLOUD_DATABASE_SECRET_REFRESH_SECONDS`,
//! and at once when PostgreSQL refuses the password (SQLSTATE 28P01, reported through
//! [`cinecloud_core::credentials_refused`]; that request answers 503 with Retry-After). Open
//! connections are kept: PostgreSQL does not end a session when its password changes.

use std::time::Duration;

use anyhow::Context;
use aws_sdk_secretsmanager::Client;
use cinecloud_core::{Credentials, Db};

use crate::config::DatabaseSecretSettings;

/// The least time between two reads when passwords keep being refused (a wrong secret must not
/// turn each failing request into a Secrets Manager call).
const MIN_INTERVAL: Duration = Duration::from_secs(2);

/// A reader of the database secret.
#[derive(Clone, Debug)]
pub struct DatabaseSecret {
    client: Client,
    id: String,
    refresh: Duration,
}

#[derive(serde::Deserialize)]
struct SecretValue {
    username: String,
    password: String,
}

impl DatabaseSecret {
    /// A reader with the standard AWS configuration (region, the task role's credentials, and
    /// `AWS_ENDPOINT_URL_SECRETS_MANAGER` or `AWS_ENDPOINT_URL` when set).
    pub async fn new(settings: &DatabaseSecretSettings) -> Self {
        let config = aws_config::defaults(aws_config::BehaviorVersion::latest()).load().await;
        Self { client: Client::new(&config), id: settings.id.clone(), refresh: settings.refresh }
    }

    /// The user and password the secret holds now.
    pub async fn read(&self) -> anyhow::Result<Credentials> {
        let value = self
            .client
            .get_secret_value()
            .secret_id(&self.id)
            .send()
            .await
            .map_err(aws_sdk_secretsmanager::Error::from)
            .with_context(|| format!("reading the database secret {}", self.id))?;
        let text = value.secret_string().with_context(|| format!("the secret {} holds no text", self.id))?;
        // serde_json's error names the position, never the text (which holds the password).
        let SecretValue { username, password } = serde_json::from_str(text)
            .with_context(|| format!("the secret {} is not JSON with \"username\" and \"password\"", self.id))?;
        Ok(Credentials { username, password })
    }

    /// Keeps `db`'s credentials those of the secret, `current` being the ones it has now. Runs
    /// until the process ends; a failed read is logged and the credentials in use are kept.
    pub async fn keep_current(self, db: Db, mut current: Credentials) -> anyhow::Result<()> {
        let refused = cinecloud_core::credentials_refused();
        loop {
            tokio::select! {
                () = tokio::time::sleep(self.refresh) => {}
                () = refused.notified() => tracing::info!("the database refused the password; reading the secret again"),
            }
            match self.read().await {
                Ok(fresh) if fresh != current => {
                    db.set_credentials(&fresh);
                    tracing::info!(username = %fresh.username, "the database secret changed; new connections use it");
                    metrics::counter!("database_credentials_changes_total").increment(1);
                    current = fresh;
                }
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(
                        error = format!("{e:#}"),
                        "the database secret could not be read; keeping the credentials in use"
                    );
                }
            }
            tokio::time::sleep(MIN_INTERVAL).await;
        }
    }
}
