//! The functions of [`crate::sign_ins`]: what the rest of Cinecloud calls, over `db`.

use crate::{Error, Result, clock::now_unix, db::Db, db::sign_ins as rows};

use super::*;

/// Records a new signed-in session for `user_id` (at `epoch`) from `user_agent` and `client`;
/// returns its token, for the session record to keep.
pub async fn record(db: &Db, user_id: i64, epoch: i64, user_agent: &str, client: &str) -> Result<String> {
    let bytes: [u8; 16] = rand::random();
    let now = now_unix();
    let row = SignIn {
        token: hex::encode(bytes),
        user_id,
        epoch,
        device: device_name(user_agent),
        client: client.to_owned(),
        signed_in_at: now,
        seen_at: now,
    };
    rows::insert(db, &row).await?;
    Ok(row.token)
}

/// Notes that the session holding `token` is active now.
pub async fn touch(db: &Db, token: &str) -> Result<()> {
    Ok(rows::touch(db, token, now_unix()).await?)
}

/// Forgets the session holding `token` (it signed out).
pub async fn forget(db: &Db, token: &str) -> Result<()> {
    Ok(rows::delete(db, token).await?)
}

/// The session holding `token` follows its account to a new epoch (its own password change).
pub async fn follow_epoch(db: &Db, token: &str, epoch: i64) -> Result<()> {
    Ok(rows::set_epoch(db, token, epoch).await?)
}

/// The account's live sessions, the most recently active first: under its current epoch, active
/// within `idle_secs` and signed in within `absolute_secs`.
pub async fn live(db: &Db, user_id: i64, idle_secs: i64, absolute_secs: i64) -> Result<Vec<SignIn>> {
    let now = now_unix();
    Ok(rows::live(db, user_id, now - idle_secs, now - absolute_secs).await?)
}

/// Ends every session of the account but the one holding `keep` (every one, when `None`);
/// returns the account's new session epoch, which the kept session must adopt.
pub async fn end_sessions(db: &Db, user_id: i64, keep: Option<&str>) -> Result<i64> {
    rows::end_sessions(db, user_id, keep, now_unix()).await?.ok_or(Error::NotFound)
}

/// Deletes rows not seen for [`KEEP_SECS`] before `now`; returns how many.
pub(crate) async fn prune(db: &Db, now: i64) -> Result<u64> {
    Ok(rows::prune(db, now - KEEP_SECS).await?)
}

/// "Firefox on Linux", "Safari on iOS", "a browser" … from a User-Agent header: the browser and
/// the system, as a person would recognise them. Unknown parts are said plainly.
pub fn device_name(user_agent: &str) -> String {
    let ua = user_agent;
    let browser = if ua.contains("Edg/") {
        "Edge"
    } else if ua.contains("OPR/") || ua.contains("Opera") {
        "Opera"
    } else if ua.contains("Firefox/") || ua.contains("FxiOS/") {
        "Firefox"
    } else if ua.contains("Chrome/") || ua.contains("CriOS/") || ua.contains("Chromium/") {
        "Chrome"
    } else if ua.contains("Safari/") {
        "Safari"
    } else {
        ""
    };
    let system = if ua.contains("iPhone") || ua.contains("iPad") {
        "iOS"
    } else if ua.contains("Android") {
        "Android"
    } else if ua.contains("Windows") {
        "Windows"
    } else if ua.contains("Mac OS X") || ua.contains("Macintosh") {
        "macOS"
    } else if ua.contains("CrOS") {
        "ChromeOS"
    } else if ua.contains("Linux") {
        "Linux"
    } else {
        ""
    };
    match (browser, system) {
        ("", "") => "A browser or app".to_owned(),
        (browser, "") => browser.to_owned(),
        ("", system) => format!("A browser on {system}"),
        (browser, system) => format!("{browser} on {system}"),
    }
}

#[cfg(test)]
mod tests {
    use super::device_name;

    #[test]
    fn devices_are_named_as_people_know_them() {
        let cases = [
            ("Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0", "Firefox on Linux"),
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
                "Safari on iOS",
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0",
                "Edge on Windows",
            ),
            (
                "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36",
                "Chrome on Android",
            ),
            (
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
                "Safari on macOS",
            ),
            ("curl/8.5.0", "A browser or app"),
            ("", "A browser or app"),
        ];
        for (ua, name) in cases {
            assert_eq!(device_name(ua), name, "{ua}");
        }
    }
}
