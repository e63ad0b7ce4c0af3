//! Media in an S3 bucket (Amazon S3, or any S3-compatible server through an endpoint override).

use anyhow::Context;
use aws_sdk_s3::{
    Client,
    error::SdkError,
    operation::{get_object::GetObjectError, head_object::HeadObjectError},
    primitives::ByteStream as SdkByteStream,
};
use bytes::Bytes;
use tokio_util::io::ReaderStream;

use super::{ByteRange, MediaObject, StorageError};

/// Where the bucket is and how to reach it. Credentials come from the standard AWS chain
/// (`AWS_ACCESS_KEY_ID`…, profiles, the ECS/EC2 role).
#[derive(Clone, Debug)]
pub struct S3Settings {
    /// Bucket name.
    pub bucket: String,
    /// Prefix prepended to every key (`""` or e.g. `"cinecloud/"`).
    pub prefix: String,
    /// Endpoint override for S3-compatible servers; path-style addressing is used with it.
    pub endpoint: Option<String>,
    /// Region override; otherwise the AWS chain decides.
    pub region: Option<String>,
}

/// A bucket (and key prefix) holding Cinecloud's media.
#[derive(Clone, Debug)]
pub struct S3Store {
    client: Client,
    bucket: String,
    prefix: String,
}

impl S3Store {
    /// Builds a client from the AWS environment and `settings`.
    pub async fn connect(settings: &S3Settings) -> Self {
        let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest());
        if let Some(region) = &settings.region {
            loader = loader.region(aws_config::Region::new(region.clone()));
        }
        let shared = loader.load().await;
        let mut config = aws_sdk_s3::config::Builder::from(&shared);
        if let Some(endpoint) = &settings.endpoint {
            config = config.endpoint_url(endpoint).force_path_style(true);
        }
        Self::from_client(Client::from_conf(config.build()), settings)
    }

    /// Uses an already configured client (tests pass one with static credentials).
    pub fn from_client(client: Client, settings: &S3Settings) -> Self {
        Self { client, bucket: settings.bucket.clone(), prefix: settings.prefix.clone() }
    }

    fn full_key(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }

    pub(super) async fn put(&self, key: &str, bytes: Bytes, content_type: &str) -> Result<(), StorageError> {
        self.client
            .put_object()
            .bucket(&self.bucket)
            .key(self.full_key(key))
            .content_type(content_type)
            .body(SdkByteStream::from(bytes))
            .send()
            .await
            .map_err(|e| anyhow::Error::new(e.into_service_error()).context(format!("S3 put {key}")))?;
        Ok(())
    }

    pub(super) async fn get(&self, key: &str, range: Option<ByteRange>) -> Result<MediaObject, StorageError> {
        let full_key = self.full_key(key);
        let head = self.client.head_object().bucket(&self.bucket).key(&full_key).send().await.map_err(|e| match e {
            SdkError::ServiceError(ref s) if matches!(s.err(), HeadObjectError::NotFound(_)) => {
                StorageError::NotFound(key.to_owned())
            }
            e => anyhow::Error::new(e.into_service_error()).context(format!("S3 head {key}")).into(),
        })?;
        let total_len = head.content_length().unwrap_or(0).max(0) as u64;
        let resolved = match range {
            Some(r) => Some(r.resolve(total_len).ok_or(StorageError::RangeNotSatisfiable { total: total_len })?),
            None => None,
        };
        let mut request = self.client.get_object().bucket(&self.bucket).key(&full_key);
        if let Some((first, last)) = resolved {
            request = request.range(format!("bytes={first}-{last}"));
        }
        let object = request.send().await.map_err(|e| match e {
            SdkError::ServiceError(ref s) if matches!(s.err(), GetObjectError::NoSuchKey(_)) => {
                StorageError::NotFound(key.to_owned())
            }
            e => anyhow::Error::new(e.into_service_error()).context(format!("S3 get {key}")).into(),
        })?;
        let content_type = object.content_type().map(str::to_owned).unwrap_or_else(|| super::content_type_for(key));
        Ok(MediaObject {
            body: Box::pin(ReaderStream::new(object.body.into_async_read())),
            content_type,
            total_len,
            range: resolved,
        })
    }

    pub(super) async fn delete(&self, key: &str) -> Result<(), StorageError> {
        self.client
            .delete_object()
            .bucket(&self.bucket)
            .key(self.full_key(key))
            .send()
            .await
            .map_err(|e| anyhow::Error::new(e.into_service_error()).context(format!("S3 delete {key}")))?;
        Ok(())
    }

    pub(super) async fn list(&self, prefix: &str) -> Result<Vec<String>, StorageError> {
        let mut pages =
            self.client.list_objects_v2().bucket(&self.bucket).prefix(self.full_key(prefix)).into_paginator().send();
        let mut keys = Vec::new();
        while let Some(page) = pages.next().await {
            let page = page.context("listing the bucket")?;
            for object in page.contents() {
                if let Some(key) = object.key().and_then(|k| k.strip_prefix(&self.prefix)) {
                    keys.push(key.to_owned());
                }
            }
        }
        keys.sort();
        Ok(keys)
    }

    pub(super) async fn ping(&self) -> Result<(), StorageError> {
        self.client
            .head_bucket()
            .bucket(&self.bucket)
            .send()
            .await
            .map_err(|e| anyhow::Error::new(e.into_service_error()).context("S3 head bucket"))
            .context("the media bucket is not reachable")?;
        Ok(())
    }
}
