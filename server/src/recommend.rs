//! `cinecloud recommend eval`: the yardstick for every change to the recommender's models.

use cinecloud_recommender::{
    ExplicitConfig, ImplicitConfig,
    data::read_ratings_file,
    eval::{evaluate_explicit, evaluate_implicit},
    split::{split_per_user, split_random},
};

use crate::cli::EvalArgs;

/// Reads the ratings, fits with the production defaults, measures, and prints the report as the
/// last line of stdout.
pub fn eval(args: &EvalArgs) -> Result<(), String> {
    let (train, test) = match (&args.train, &args.test, &args.data) {
        (Some(train), Some(test), None) => (read_ratings_file(train)?, read_ratings_file(test)?),
        (None, None, Some(data)) => {
            let all = read_ratings_file(data)?;
            if args.implicit {
                split_per_user(&all, args.split, args.seed)
            } else {
                split_random(&all, args.split, args.seed)
            }
        }
        _ => return Err("give --train FILE and --test FILE, or --data FILE".to_owned()),
    };
    if train.is_empty() {
        return Err("the training data holds no ratings".to_owned());
    }
    if test.is_empty() {
        return Err("the test data holds no ratings".to_owned());
    }
    let kind = if args.implicit { "implicit" } else { "explicit" };
    println!(
        "{} training and {} test lines; fitting the {kind} model with the production defaults",
        train.len(),
        test.len()
    );
    let report = if args.implicit {
        serde_json::to_string(&evaluate_implicit(&train, &test, &ImplicitConfig::default()))
    } else {
        serde_json::to_string(&evaluate_explicit(&train, &test, &ExplicitConfig::default()))
    };
    println!("{}", report.map_err(|e| e.to_string())?);
    Ok(())
}
