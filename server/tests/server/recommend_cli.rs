//! `cinecloud recommend eval` end to end: files in each MovieLens format, the JSON report as the
//! last line, and clear errors for bad files.

use std::{fmt::Write as _, path::Path, process::Command};

use cinecloud_recommender::{
    data::RatingRecord,
    split::split_random,
    synth::{SynthConfig, generate},
};

fn write(path: &Path, records: &[RatingRecord], format: &str) {
    let mut text = String::new();
    if format == "csv" {
        text.push_str("userId,movieId,rating,timestamp\n");
    }
    for r in records {
        let t = r.timestamp.unwrap_or(0);
        match format {
            "tab" => writeln!(text, "{}\t{}\t{}\t{t}", r.user, r.item, r.rating),
            "dat" => writeln!(text, "{}::{}::{}::{t}", r.user, r.item, r.rating),
            _ => writeln!(text, "{},{},{:.1},{t}", r.user, r.item, r.rating),
        }
        .unwrap();
    }
    std::fs::write(path, text).unwrap();
}

fn eval(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_cinecloud")).arg("recommend").arg("eval").args(args).output().unwrap();
    (out.status.success(), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

fn last_json(stdout: &str) -> serde_json::Map<String, serde_json::Value> {
    let line = stdout.lines().last().expect("some output");
    serde_json::from_str(line).unwrap_or_else(|e| panic!("last line {line:?} is not JSON: {e}"))
}

fn number(report: &serde_json::Map<String, serde_json::Value>, key: &str) -> f64 {
    report.get(key).and_then(serde_json::Value::as_f64).unwrap_or_else(|| panic!("no number {key} in {report:?}"))
}

#[test]
fn explicit_eval_reads_every_format_and_reports_json() {
    let dir = tempfile::tempdir().unwrap();
    let data =
        generate(&SynthConfig { users: 300, items: 400, ratings: 20_000, ..SynthConfig::movielens_100k_like(2) });
    let (train, test) = split_random(&data.records, 0.2, 2);
    let mut reports = Vec::new();
    for format in ["tab", "dat", "csv"] {
        let (train_path, test_path) =
            (dir.path().join(format!("train.{format}")), dir.path().join(format!("test.{format}")));
        write(&train_path, &train, format);
        write(&test_path, &test, format);
        let (ok, stdout, stderr) =
            eval(&["--train", train_path.to_str().unwrap(), "--test", test_path.to_str().unwrap()]);
        assert!(ok, "{stderr}");
        let report = last_json(&stdout);
        let mut keys: Vec<_> = report.keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(keys, ["fit_seconds", "mae", "predict_seconds", "rmse"]);
        let mean = train.iter().map(|r| f64::from(r.rating)).sum::<f64>() / train.len() as f64;
        let mean_only =
            (test.iter().map(|r| (f64::from(r.rating) - mean).powi(2)).sum::<f64>() / test.len() as f64).sqrt();
        assert!(number(&report, "rmse") < 0.95 * mean_only, "{report:?} vs mean-only {mean_only}");
        assert!(number(&report, "mae") < number(&report, "rmse"));
        reports.push(number(&report, "rmse"));
    }
    // The same ratings in another format are the same ratings.
    assert!(reports.windows(2).all(|w| (w[0] - w[1]).abs() < 1e-9), "{reports:?}");
}

#[test]
fn implicit_eval_splits_one_file_and_reports_ranking_metrics() {
    let dir = tempfile::tempdir().unwrap();
    let data =
        generate(&SynthConfig { users: 300, items: 400, ratings: 20_000, ..SynthConfig::movielens_100k_like(4) });
    let positives: Vec<_> = data.records.iter().filter(|r| r.rating >= 4.0).copied().collect();
    let path = dir.path().join("ratings.csv");
    write(&path, &positives, "csv");
    let (ok, stdout, stderr) = eval(&["--data", path.to_str().unwrap(), "--split", "0.2", "--seed", "9", "--implicit"]);
    assert!(ok, "{stderr}");
    let report = last_json(&stdout);
    let mut keys: Vec<_> = report.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["fit_seconds", "ndcg_at_10", "p_at_10", "recall_at_20"]);
    for key in ["p_at_10", "ndcg_at_10", "recall_at_20"] {
        let v = number(&report, key);
        assert!(v > 0.02 && v <= 1.0, "{key} = {v}");
    }
    // The split is seeded: the same seed measures the same thing.
    let again = last_json(&eval(&["--data", path.to_str().unwrap(), "--seed", "9", "--implicit"]).1);
    assert_eq!(number(&again, "p_at_10"), number(&report, "p_at_10"));
}

#[test]
fn bad_input_gets_a_clear_error_naming_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.data");
    std::fs::write(&good, "1\t1\t4\t0\n2\t1\t3\t0\n").unwrap();
    let bad = dir.path().join("bad.data");
    std::fs::write(&bad, "1\t1\t4\t0\n1\t2\n").unwrap();
    let (ok, _, stderr) = eval(&["--train", bad.to_str().unwrap(), "--test", good.to_str().unwrap()]);
    assert!(!ok);
    assert!(stderr.contains("bad.data: line 2: expected 3 or 4 tab-separated fields"), "{stderr}");

    let (ok, _, stderr) =
        eval(&["--train", good.to_str().unwrap(), "--test", dir.path().join("missing").to_str().unwrap()]);
    assert!(!ok && stderr.contains("missing"), "{stderr}");
    let (ok, _, stderr) = eval(&["--train", good.to_str().unwrap()]);
    assert!(!ok && stderr.contains("--test"), "{stderr}");
    let (ok, _, stderr) = eval(&["--data", good.to_str().unwrap(), "--split", "1.5"]);
    assert!(!ok && stderr.contains("not a fraction"), "{stderr}");
}
