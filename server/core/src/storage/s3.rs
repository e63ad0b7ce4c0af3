//! Media in an S3 bucket (Amazon S3, or any S3-compatible server through an endpoint override).

use anyhow::Context;
use aws_sdk_s3::{
    Client,
    error::SdkError,
    operation::{get_object::GetObjectError, head_object::HeadObjectError},
    primitives::ByteStream as SdkByteStream,
};
use aws_sdk_s3::{
    presigning::PresigningConfig,
    types::{CompletedMultipartUpload, CompletedPart},
};
use bytes::{Bytes, BytesMut};
use futures::StreamExt;
use tokio_util::io::ReaderStream;

use super::{ByteRange, MediaObject, StorageError, StoredObject, UploadStream};

/// Size of the parts a streamed upload is sent in (S3 wants at least 5 MiB for all but the last).
const PART_BYTES: usize = 8 * 1024 * 1024;

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
    endpoint: Option<String>,
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
        Self {
            client,
            bucket: settings.bucket.clone(),
            prefix: settings.prefix.clone(),
            endpoint: settings.endpoint.clone(),
        }
    }

    /// Where presigned URLs point: the endpoint override's origin, or the bucket's AWS host.
    pub(super) fn browser_origin(&self) -> String {
        if let Some(origin) = self.endpoint.as_deref().and_then(|e| url::Url::parse(e).ok()).map(|u| u.origin()) {
            return origin.ascii_serialization();
        }
        match self.client.config().region() {
            Some(region) => format!("https://{}.s3.{region}.amazonaws.com", self.bucket),
            None => "https://*.amazonaws.com".to_owned(),
        }
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

    pub(super) async fn put_stream(
        &self,
        key: &str,
        mut body: UploadStream,
        content_type: &str,
        limit: u64,
    ) -> Result<u64, StorageError> {
        let full_key = self.full_key(key);
        let mut buffer = BytesMut::new();
        let mut total = 0u64;
        let mut upload: Option<Multipart> = None;
        let outcome = async {
            while let Some(chunk) = body.next().await {
                let chunk = chunk.map_err(StorageError::Interrupted)?;
                total += chunk.len() as u64;
                if total > limit {
                    return Err(StorageError::TooLarge { limit });
                }
                buffer.extend_from_slice(&chunk);
                if buffer.len() >= PART_BYTES {
                    if upload.is_none() {
                        upload = Some(self.start_multipart(&full_key, content_type).await?);
                    }
                    let part = buffer.split().freeze();
                    self.send_part(&full_key, upload.as_mut().expect("started above"), part).await?;
                }
            }
            match upload.as_mut() {
                // Small enough for one request.
                None => self.put(key, buffer.split().freeze(), content_type).await?,
                Some(multipart) => {
                    if !buffer.is_empty() {
                        self.send_part(&full_key, multipart, buffer.split().freeze()).await?;
                    }
                    let parts = CompletedMultipartUpload::builder().set_parts(Some(multipart.parts.clone())).build();
                    self.client
                        .complete_multipart_upload()
                        .bucket(&self.bucket)
                        .key(&full_key)
                        .upload_id(&multipart.id)
                        .multipart_upload(parts)
                        .send()
                        .await
                        .map_err(|e| {
                            anyhow::Error::new(e.into_service_error()).context(format!("S3 complete {key}"))
                        })?;
                }
            }
            Ok(total)
        }
        .await;
        if let (Err(_), Some(multipart)) = (&outcome, &upload) {
            // The parts sent so far are dropped; the object never appears.
            if let Err(e) = self
                .client
                .abort_multipart_upload()
                .bucket(&self.bucket)
                .key(&full_key)
                .upload_id(&multipart.id)
                .send()
                .await
            {
                tracing::warn!(key, error = %e.into_service_error(), "could not abort a multipart upload");
            }
        }
        outcome
    }

    async fn start_multipart(&self, full_key: &str, content_type: &str) -> Result<Multipart, StorageError> {
        let created = self
            .client
            .create_multipart_upload()
            .bucket(&self.bucket)
            .key(full_key)
            .content_type(content_type)
            .send()
            .await
            .map_err(|e| anyhow::Error::new(e.into_service_error()).context("S3 create multipart upload"))?;
        let id = created.upload_id().context("S3 returned no upload id")?.to_owned();
        Ok(Multipart { id, parts: Vec::new() })
    }

    async fn send_part(&self, full_key: &str, multipart: &mut Multipart, bytes: Bytes) -> Result<(), StorageError> {
        let number = multipart.parts.len() as i32 + 1;
        let sent = self
            .client
            .upload_part()
            .bucket(&self.bucket)
            .key(full_key)
            .upload_id(&multipart.id)
            .part_number(number)
            .body(SdkByteStream::from(bytes))
            .send()
            .await
            .map_err(|e| anyhow::Error::new(e.into_service_error()).context(format!("S3 upload part {number}")))?;
        multipart.parts.push(CompletedPart::builder().part_number(number).set_e_tag(sent.e_tag).build());
        Ok(())
    }

    pub(super) async fn presigned_get(&self, key: &str, ttl: std::time::Duration) -> Result<String, StorageError> {
        let config = PresigningConfig::expires_in(ttl).context("presigned URL lifetime")?;
        let request = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(self.full_key(key))
            .presigned(config)
            .await
            .map_err(|e| anyhow::Error::new(e.into_service_error()).context(format!("S3 presign {key}")))?;
        Ok(request.uri().to_owned())
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

    /// `s3:{endpoint}/{bucket}/{prefix}`.
    pub(super) fn identity(&self) -> String {
        format!("s3:{}/{}/{}", self.endpoint.as_deref().unwrap_or("aws"), self.bucket, self.prefix)
    }

    /// Every object under the store's prefix, with when it was written and its size.
    pub(super) async fn inventory(&self) -> Result<Vec<StoredObject>, StorageError> {
        let mut pages =
            self.client.list_objects_v2().bucket(&self.bucket).prefix(self.full_key("")).into_paginator().send();
        let mut objects = Vec::new();
        while let Some(page) = pages.next().await {
            let page = page.context("listing the bucket")?;
            for object in page.contents() {
                if let Some(key) = object.key().and_then(|k| k.strip_prefix(&self.prefix)) {
                    let modified = object.last_modified().map_or(0, |t| t.secs());
                    let size = object.size().map_or(0, |n| n.max(0) as u64);
                    objects.push(StoredObject { key: key.to_owned(), modified, size, unfinished: false });
                }
            }
        }
        Ok(objects)
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

/// A multipart upload in progress.
struct Multipart {
    id: String,
    parts: Vec<CompletedPart>,
}
