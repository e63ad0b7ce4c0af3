//! A movie's ratings as shown next to it.

use serde::{Deserialize, Serialize};

/// How many viewers rated a movie and the sum of their ratings (½★ to 5★, in half stars).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingSummary {
    /// How many viewers rated it.
    pub count: i64,
    /// The sum of their ratings in half stars.
    pub sum_half_stars: i64,
}

impl RatingSummary {
    /// From the stored count and half-star sum.
    pub fn from_sum(count: i64, sum_half_stars: i64) -> Self {
        RatingSummary { count, sum_half_stars }
    }

    /// The mean in stars (0.5–5), if anyone rated.
    pub fn average(&self) -> Option<f64> {
        (self.count > 0).then(|| self.sum_half_stars as f64 / (2.0 * self.count as f64))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_average_is_in_stars_and_absent_without_ratings() {
        assert_eq!(RatingSummary::default().average(), None);
        assert_eq!(RatingSummary::from_sum(2, 15).average(), Some(3.75));
    }
}
