//! Bar and line charts the server draws as SVG (#20): they show before and without WebAssembly, scale with
//! their box, follow the theme through CSS variables, carry a title and a description for screen
//! readers, a native tooltip on every mark, and the same numbers as a table behind "Show as
//! table". The geometry is plain functions, tested; the components only lay it out.

use leptos::prelude::*;

/// The drawing's coordinate box; the SVG scales to its container through `viewBox`.
const WIDTH: f64 = 640.0;
/// Height of the coordinate box.
const HEIGHT: f64 = 260.0;
/// Room for the value axis's labels on the left.
const LEFT: f64 = 48.0;
/// Room for the bucket labels below.
const BOTTOM: f64 = 28.0;
/// Air above the tallest mark.
const TOP: f64 = 12.0;

/// One bucket of a chart: its label (a day, a week, a genre, a rating) and its value.
#[derive(Clone, Debug, PartialEq)]
pub struct Point {
    /// What the bucket is, as shown under it and in the table.
    pub label: String,
    /// Its value, in the chart's unit.
    pub value: f64,
}

/// Gridline values from 0 to at least `max`, in steps of 1, 2 or 5 times a power of ten, about
/// `target` of them: 0–7 in steps of 2 gives 0, 2, 4, 6, 8.
pub fn nice_ticks(max: f64, target: usize) -> Vec<f64> {
    if !max.is_finite() || max <= 0.0 {
        return vec![0.0, 1.0];
    }
    let rough = max / target.max(1) as f64;
    let magnitude = 10f64.powf(rough.log10().floor());
    let step =
        [1.0, 2.0, 5.0, 10.0].into_iter().map(|m| m * magnitude).find(|s| *s >= rough).unwrap_or(magnitude * 10.0);
    let steps = (max / step).ceil() as usize;
    (0..=steps).map(|i| i as f64 * step).collect()
}

/// A bar's rectangle in the coordinate box.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bar {
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width.
    pub width: f64,
    /// Height (0 for a zero or negative value).
    pub height: f64,
}

/// The plot area's bottom edge (the value axis's zero).
fn baseline() -> f64 {
    HEIGHT - BOTTOM
}

/// Where value `v` sits on a value axis that runs from 0 to `top`.
fn y_of(v: f64, top: f64) -> f64 {
    baseline() - (v.max(0.0) / top) * (baseline() - TOP)
}

/// The bars for `values` side by side across the plot area, scaled so that `top` (the highest
/// gridline) reaches its top; a tenth of each slot is left as a gap.
pub fn bars(values: &[f64], top: f64) -> Vec<Bar> {
    let slot = (WIDTH - LEFT) / values.len().max(1) as f64;
    values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let y = y_of(*v, top);
            Bar { x: LEFT + i as f64 * slot + slot * 0.05, y, width: slot * 0.9, height: baseline() - y }
        })
        .collect()
}

/// A line's vertices: one per value, at the middle of its bucket, on the same scale as [`bars`].
pub fn line(values: &[f64], top: f64) -> Vec<(f64, f64)> {
    let slot = (WIDTH - LEFT) / values.len().max(1) as f64;
    values.iter().enumerate().map(|(i, v)| (LEFT + (i as f64 + 0.5) * slot, y_of(*v, top))).collect()
}

/// An SVG path through `points`.
fn path(points: &[(f64, f64)]) -> String {
    points.iter().enumerate().map(|(i, (x, y))| format!("{}{x:.1} {y:.1}", if i == 0 { "M" } else { " L" })).collect()
}

/// Lines with more points than this are drawn without a dot (and its tooltip) per point; the
/// table has every number.
const MAX_DOTS: usize = 92;

/// One line of a line chart.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    /// Its name, in the legend and as the table's column.
    pub name: String,
    /// One value per label.
    pub values: Vec<f64>,
}

/// A number as the axis and the tooltips write it: whole numbers without decimals, fractions
/// below 1 (a precision, a share) with three, others with one.
pub fn figure(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round() as i64)
    } else if v.abs() < 1.0 {
        format!("{v:.3}")
    } else {
        format!("{v:.1}")
    }
}

/// The gridlines and value labels for values up to `max`; returns them with the scale's top.
fn grid(max: f64) -> (AnyView, f64) {
    let ticks = nice_ticks(max, 4);
    let top = *ticks.last().unwrap_or(&1.0);
    let lines = ticks
        .iter()
        .map(|t| {
            let y = y_of(*t, top);
            view! {
                <line class="chart-grid" x1=LEFT x2=WIDTH y1=y y2=y />
                <text class="chart-axis" x=LEFT - 6.0 y=y + 4.0 text-anchor="end">{figure(*t)}</text>
            }
        })
        .collect_view();
    (lines.into_any(), top)
}

/// The bucket labels under the plot: every one when they fit, else about eight of them.
fn bucket_labels(labels: &[String]) -> AnyView {
    let slot = (WIDTH - LEFT) / labels.len().max(1) as f64;
    let every = labels.len().div_ceil(8).max(1);
    labels
        .iter()
        .enumerate()
        .filter(|(i, _)| i % every == 0)
        .map(|(i, label)| {
            let x = LEFT + (i as f64 + 0.5) * slot;
            view! { <text class="chart-axis" x=x y=HEIGHT - 8.0 text-anchor="middle">{label.clone()}</text> }
        })
        .collect_view()
        .into_any()
}

/// The figure around a drawing: the SVG with its accessible name and description, the caption,
/// and the numbers as a table (a row per label, a column per series) behind "Show as table".
fn figure_with_table(
    id: &'static str,
    title: String,
    description: String,
    drawing: AnyView,
    columns: Vec<String>,
    rows: Vec<(String, Vec<f64>)>,
) -> AnyView {
    let (title_id, desc_id) = (format!("{id}-title"), format!("{id}-desc"));
    let labelled_by = format!("{title_id} {desc_id}");
    let rows = rows
        .into_iter()
        .map(|(label, values)| {
            let cells = values.into_iter().map(|v| view! { <td>{figure(v)}</td> }).collect_view();
            view! { <tr><th scope="row">{label}</th>{cells}</tr> }
        })
        .collect_view();
    let heads = columns.into_iter().map(|c| view! { <th scope="col">{c}</th> }).collect_view();
    view! {
        <figure class="chart" id=id>
            <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-labelledby=labelled_by
                preserveAspectRatio="xMidYMid meet">
                <title id=title_id>{title.clone()}</title>
                <desc id=desc_id>{description}</desc>
                {drawing}
            </svg>
            <figcaption>{title.clone()}</figcaption>
            <details class="chart-table">
                <summary>"Show as table"</summary>
                <table>
                    <caption class="visually-hidden">{title}</caption>
                    <thead><tr><th scope="col">""</th>{heads}</tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </details>
        </figure>
    }
    .into_any()
}

/// A bar chart with its accessible name and description, and its numbers as a table on request.
/// `id` makes the title and description referable (`aria-labelledby`); unique on the page.
#[component]
pub fn Chart(
    /// Unique on the page.
    id: &'static str,
    /// The chart's name, e.g. "Sign-ups per week".
    title: String,
    /// What it shows, for screen readers, e.g. "Sign-ups in each of the last 12 weeks".
    description: String,
    /// The unit of the values, for tooltips and the table's heading ("sign-ups", "hours").
    unit: &'static str,
    /// The buckets, in order.
    points: Vec<Point>,
) -> impl IntoView {
    let values: Vec<f64> = points.iter().map(|p| p.value).collect();
    let (grid, top) = grid(values.iter().copied().fold(0.0, f64::max));
    let labels: Vec<String> = points.iter().map(|p| p.label.clone()).collect();
    let marks = bars(&values, top)
        .into_iter()
        .zip(&points)
        .map(|(b, p)| {
            let tip = format!("{}: {} {unit}", p.label, figure(p.value));
            view! { <rect class="chart-bar" x=b.x y=b.y width=b.width height=b.height><title>{tip}</title></rect> }
        })
        .collect_view();
    let drawing = view! { {grid} {marks} {bucket_labels(&labels)} }.into_any();
    let rows = points.into_iter().map(|p| (p.label, vec![p.value])).collect();
    figure_with_table(id, title, description, drawing, vec![unit.to_owned()], rows)
}

/// A line chart of one or more series over the same labels (days, versions), with a legend when
/// there is more than one line; otherwise as [`Chart`].
#[component]
pub fn LineChart(
    /// Unique on the page.
    id: &'static str,
    /// The chart's name.
    title: String,
    /// What it shows, for screen readers.
    description: String,
    /// The unit of the values, for tooltips.
    unit: &'static str,
    /// What each point is (a day, a version), in order.
    labels: Vec<String>,
    /// The lines, each with a value per label.
    series: Vec<Series>,
) -> impl IntoView {
    let max = series.iter().flat_map(|s| s.values.iter().copied()).fold(0.0, f64::max);
    let (grid, top) = grid(max);
    let dots = labels.len() <= MAX_DOTS;
    let lines = series
        .iter()
        .enumerate()
        .map(|(n, s)| {
            let points = line(&s.values, top);
            let class = format!("chart-line chart-series-{n}");
            let marks = dots.then(|| {
                points
                    .iter()
                    .zip(&labels)
                    .zip(&s.values)
                    .map(|(((x, y), label), v)| {
                        let tip = format!("{label}: {} {unit} ({})", figure(*v), s.name);
                        let class = format!("chart-dot chart-series-{n}");
                        view! { <circle class=class cx=*x cy=*y r="3"><title>{tip}</title></circle> }
                    })
                    .collect_view()
            });
            view! { <path class=class d=path(&points) fill="none" />{marks} }
        })
        .collect_view();
    let legend = (series.len() > 1).then(|| {
        series
            .iter()
            .enumerate()
            .map(|(n, s)| {
                let x = LEFT + 8.0 + n as f64 * 160.0;
                let class = format!("chart-dot chart-series-{n}");
                view! {
                    <circle class=class cx=x cy=TOP + 2.0 r="4" />
                    <text class="chart-axis chart-legend" x=x + 8.0 y=TOP + 6.0>{s.name.clone()}</text>
                }
            })
            .collect_view()
    });
    let drawing = view! { {grid} {lines} {legend} {bucket_labels(&labels)} }.into_any();
    let columns = series.iter().map(|s| s.name.clone()).collect();
    let rows = labels
        .into_iter()
        .enumerate()
        .map(|(i, label)| (label, series.iter().map(|s| s.values.get(i).copied().unwrap_or(0.0)).collect()))
        .collect();
    figure_with_table(id, title, description, drawing, columns, rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_step_by_one_two_or_five_and_reach_the_maximum() {
        assert_eq!(nice_ticks(7.0, 4), [0.0, 2.0, 4.0, 6.0, 8.0]);
        assert_eq!(nice_ticks(130.0, 4), [0.0, 50.0, 100.0, 150.0]);
        assert_eq!(nice_ticks(1.0, 4), [0.0, 0.5, 1.0]);
        assert_eq!(nice_ticks(10.0, 4), [0.0, 5.0, 10.0]);
        // Nothing yet: an axis from 0 to 1 rather than a division by zero.
        assert_eq!(nice_ticks(0.0, 4), [0.0, 1.0]);
        assert_eq!(nice_ticks(f64::NAN, 4), [0.0, 1.0]);
    }

    #[test]
    fn bars_are_proportional_stand_on_the_baseline_and_stay_in_the_box() {
        let b = bars(&[0.0, 5.0, 10.0], 10.0);
        assert_eq!(b.len(), 3);
        assert_eq!(b[0].height, 0.0);
        assert!((b[2].height - 2.0 * b[1].height).abs() < 1e-9, "{b:?}");
        assert!((b[2].y - TOP).abs() < 1e-9, "the highest gridline is the plot's top");
        for bar in &b {
            assert!((bar.y + bar.height - baseline()).abs() < 1e-9);
            assert!(bar.x >= LEFT && bar.x + bar.width <= WIDTH, "{bar:?}");
        }
        assert!(b[0].x + b[0].width < b[1].x, "a gap between bars");
        // A negative value draws nothing below the axis.
        assert_eq!(bars(&[-3.0], 10.0)[0].height, 0.0);
    }

    /// What a browser without WebAssembly receives: a named, described image with a bar and a
    /// tooltip per bucket, and the same numbers in a table.
    #[cfg(feature = "ssr")]
    #[test]
    fn the_server_renders_an_accessible_chart_with_its_table() {
        let points = vec![Point { label: "Drama".into(), value: 12.0 }, Point { label: "Horror".into(), value: 3.5 }];
        let html = view! { <Chart id="by-genre" title="Hours by genre".into() description="Hours watched per genre".into() unit="hours" points /> }
            .to_html();
        assert!(
            html.contains(r#"role="img""#) && html.contains(r#"aria-labelledby="by-genre-title by-genre-desc""#),
            "{html}"
        );
        assert!(html.contains(r#"<title id="by-genre-title">Hours by genre</title>"#), "{html}");
        assert!(html.contains(r#"<desc id="by-genre-desc">Hours watched per genre</desc>"#), "{html}");
        assert_eq!(html.matches("<rect").count(), 2, "{html}");
        assert!(
            html.contains("<title>Drama: 12 hours</title>") && html.contains("<title>Horror: 3.5 hours</title>"),
            "{html}"
        );
        assert!(
            html.contains("Show as table") && html.contains(r#"<th scope="row">Horror</th><td>3.5</td>"#),
            "{html}"
        );
    }

    #[test]
    fn a_line_has_a_vertex_per_value_mid_bucket_on_the_bars_scale() {
        let points = line(&[0.0, 10.0], 10.0);
        let b = bars(&[0.0, 10.0], 10.0);
        assert_eq!(points.len(), 2);
        for (p, bar) in points.iter().zip(&b) {
            assert!((p.0 - (bar.x + bar.width / 2.0)).abs() < 1e-9, "{p:?} {bar:?}");
            assert!((p.1 - bar.y).abs() < 1e-9);
        }
        assert_eq!(path(&[(1.0, 2.0), (3.5, 4.25)]), "M1.0 2.0 L3.5 4.2");
    }

    /// Two series: two paths, a legend, a dot with a tooltip per point, and a table column each.
    #[cfg(feature = "ssr")]
    #[test]
    fn the_server_renders_a_line_chart_with_a_column_per_series() {
        let labels = vec!["v1".to_owned(), "v2".to_owned(), "v3".to_owned()];
        let series = vec![
            Series { name: "Model".into(), values: vec![0.1, 0.2, 0.25] },
            Series { name: "Popularity".into(), values: vec![0.1, 0.1, 0.1] },
        ];
        let html = view! { <LineChart id="p10" title="Precision".into() description="By version".into() unit="P@10" labels series /> }
            .to_html();
        assert_eq!(html.matches("<path").count(), 2, "{html}");
        assert_eq!(html.matches("<circle").count(), 2 * 3 + 2, "a dot per point and per legend entry: {html}");
        assert!(html.contains("<title>v3: 0.250 P@10 (Model)</title>"), "{html}");
        assert!(html.contains(r#"<th scope="col">Model</th><th scope="col">Popularity</th>"#), "{html}");
        assert!(html.contains(r#"<th scope="row">v2</th><td>0.200</td><td>0.100</td>"#), "{html}");
        // A year of days is drawn as lines alone.
        let labels: Vec<String> = (0..365).map(|d| d.to_string()).collect();
        let series = vec![Series { name: "Viewers".into(), values: vec![1.0; 365] }];
        let html = view! { <LineChart id="year" title="A year".into() description="Daily".into() unit="viewers" labels series /> }
            .to_html();
        assert_eq!((html.matches("<circle").count(), html.matches("<tr>").count()), (0, 366));
    }

    #[test]
    fn figures_read_plainly() {
        assert_eq!([figure(3.0), figure(2.34), figure(1200.0), figure(0.125)], ["3", "2.3", "1200", "0.125"]);
    }
}
