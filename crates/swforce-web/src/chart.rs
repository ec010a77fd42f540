//! Line charts drawn on the server as accessible SVG: a title and a description for screen
//! readers, series told apart by colour, dash pattern and marker shape (never colour alone),
//! gaps where a figure is suppressed. The page always prints the table behind the chart.

use std::fmt::Write;

/// One line of the chart: a name and one optional value per x label.
#[derive(Debug, Clone)]
pub struct Series {
    pub name: String,
    pub values: Vec<Option<f64>>,
}

/// A chart ready to draw.
#[derive(Debug, Clone)]
pub struct LineChart {
    /// Unique within the page; used for the title and description ids.
    pub id: String,
    pub title: String,
    pub description: String,
    pub x_labels: Vec<String>,
    pub series: Vec<Series>,
    /// Formats an axis value ("15%", "2,000").
    pub axis_format: fn(f64) -> String,
}

/// Colours with at least 3:1 contrast on white, each paired with a dash pattern and a marker.
pub const STYLES: [(&str, &str, Marker); 6] = [
    ("#1d70b8", "", Marker::Circle),
    ("#b35900", "8 5", Marker::Square),
    ("#505a5f", "2 4", Marker::Diamond),
    ("#4c2c92", "10 3 2 3", Marker::Triangle),
    ("#00703c", "8 5", Marker::Circle),
    ("#d4351c", "2 4", Marker::Square),
];

#[derive(Debug, Clone, Copy)]
pub enum Marker {
    Circle,
    Square,
    Diamond,
    Triangle,
}

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 300.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 40.0;

/// Escapes text for SVG (XML) content and attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A "nice" axis: 0 to a round maximum covering `max`, with about five steps.
pub fn nice_axis(max: f64) -> (f64, f64) {
    if max.is_nan() || max <= 0.0 || !max.is_finite() {
        return (1.0, 0.2);
    }
    let raw_step = max / 5.0;
    let magnitude = 10f64.powf(raw_step.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw_step)
        .unwrap_or(10.0 * magnitude);
    ((max / step).ceil() * step, step)
}

impl LineChart {
    /// The chart as an SVG element, safe to embed in HTML.
    pub fn to_svg(&self) -> String {
        let n = self.x_labels.len().max(1);
        let max = self
            .series
            .iter()
            .flat_map(|s| s.values.iter().flatten())
            .fold(0.0f64, |a, b| a.max(*b));
        let (top_value, step) = nice_axis(max);
        let left = left_margin(self.axis_format, 0.0, top_value, step);
        let plot_w = WIDTH - left - RIGHT;
        let plot_h = HEIGHT - TOP - BOTTOM;
        let x = |i: usize| {
            if n == 1 {
                left + plot_w / 2.0
            } else {
                left + plot_w * i as f64 / (n - 1) as f64
            }
        };
        let y = |v: f64| TOP + plot_h * (1.0 - v / top_value);
        let id = escape(&self.id);
        let mut s = String::with_capacity(4096);
        let _ = write!(
            s,
            r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="{id}-title {id}-desc" focusable="false" font-family="Helvetica Neue, Helvetica, Arial, sans-serif" font-size="14">"#
        );
        let _ = write!(
            s,
            r#"<title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
            escape(&self.title),
            escape(&self.description)
        );
        // Grid lines and y-axis labels.
        let mut tick = 0.0;
        while tick <= top_value + step / 2.0 {
            let ty = y(tick);
            let _ = write!(
                s,
                r##"<line x1="{left:.1}" x2="{:.1}" y1="{ty:.1}" y2="{ty:.1}" stroke="#b1b4b6" stroke-width="1"/><text x="{:.1}" y="{:.1}" text-anchor="end" fill="#0b0c0c">{}</text>"##,
                WIDTH - RIGHT,
                left - 8.0,
                ty + 5.0,
                escape(&(self.axis_format)(tick))
            );
            tick += step;
        }
        x_axis(&mut s, &self.x_labels, x);
        let _ = write!(
            s,
            r##"<line x1="{left:.1}" x2="{:.1}" y1="{:.1}" y2="{:.1}" stroke="#0b0c0c" stroke-width="1"/>"##,
            WIDTH - RIGHT,
            y(0.0),
            y(0.0)
        );
        for (k, series) in self.series.iter().enumerate() {
            let (colour, dash, marker) = STYLES[k % STYLES.len()];
            let dash_attr = if dash.is_empty() {
                String::new()
            } else {
                format!(r#" stroke-dasharray="{dash}""#)
            };
            // Break the line where a figure is missing, so a gap is never drawn as a slope.
            let mut segment: Vec<(f64, f64)> = Vec::new();
            let mut segments: Vec<Vec<(f64, f64)>> = Vec::new();
            for (i, v) in series.values.iter().enumerate() {
                match v {
                    Some(v) => segment.push((x(i), y(*v))),
                    None => {
                        if !segment.is_empty() {
                            segments.push(std::mem::take(&mut segment));
                        }
                    }
                }
            }
            if !segment.is_empty() {
                segments.push(segment);
            }
            let _ = write!(s, r#"<g aria-hidden="true">"#);
            for seg in &segments {
                if seg.len() > 1 {
                    let points: Vec<String> = seg
                        .iter()
                        .map(|(px, py)| format!("{px:.1},{py:.1}"))
                        .collect();
                    let _ = write!(
                        s,
                        r#"<polyline fill="none" stroke="{colour}" stroke-width="3"{dash_attr} points="{}"/>"#,
                        points.join(" ")
                    );
                }
                for (px, py) in seg {
                    s.push_str(&marker_svg(marker, *px, *py, colour));
                }
            }
            s.push_str("</g>");
        }
        s.push_str("</svg>");
        s
    }
}

fn marker_svg(marker: Marker, x: f64, y: f64, colour: &str) -> String {
    match marker {
        Marker::Circle => format!(r#"<circle cx="{x:.1}" cy="{y:.1}" r="4.5" fill="{colour}"/>"#),
        Marker::Square => format!(
            r#"<rect x="{:.1}" y="{:.1}" width="9" height="9" fill="{colour}"/>"#,
            x - 4.5,
            y - 4.5
        ),
        Marker::Diamond => format!(
            r#"<path d="M{x:.1} {:.1}L{:.1} {y:.1}L{x:.1} {:.1}L{:.1} {y:.1}Z" fill="{colour}"/>"#,
            y - 6.0,
            x + 6.0,
            y + 6.0,
            x - 6.0
        ),
        Marker::Triangle => format!(
            r#"<path d="M{x:.1} {:.1}L{:.1} {:.1}L{:.1} {:.1}Z" fill="{colour}"/>"#,
            y - 6.0,
            x + 5.5,
            y + 4.5,
            x - 5.5,
            y + 4.5
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_end_on_round_numbers() {
        assert_eq!(nice_axis(17.1), (20.0, 5.0));
        let (top, step) = nice_axis(0.171);
        assert!(
            (top - 0.2).abs() < 1e-12 && (step - 0.05).abs() < 1e-12,
            "{top} {step}"
        );
        assert_eq!(nice_axis(31634.1), (40000.0, 10000.0));
        assert_eq!(nice_axis(0.0), (1.0, 0.2));
    }

    #[test]
    fn names_are_escaped_and_gaps_break_the_line() {
        let chart = LineChart {
            id: "t".into(),
            title: "Turnover <rate> & \"more\"".into(),
            description: "d".into(),
            x_labels: vec!["2020".into(), "2021".into(), "2022".into(), "2023".into()],
            series: vec![Series {
                name: "A".into(),
                values: vec![Some(1.0), None, Some(2.0), Some(3.0)],
            }],
            axis_format: |v| format!("{v}"),
        };
        let svg = chart.to_svg();
        assert!(svg.contains("Turnover &lt;rate&gt; &amp; &quot;more&quot;"));
        assert_eq!(
            svg.matches("<polyline").count(),
            1,
            "the first point stands alone"
        );
        assert_eq!(svg.matches("<circle").count(), 3);
    }
}

/// An uncertainty band: lower and upper bounds and the median, per x label.
#[derive(Debug, Clone)]
pub struct Band {
    pub lower: Vec<Option<f64>>,
    pub median: Vec<Option<f64>>,
    pub upper: Vec<Option<f64>>,
}

/// A fan chart: published history as a solid line, then each projection as a shaded band
/// (5th to 95th percentile) around its median.
#[derive(Debug, Clone)]
pub struct FanChart {
    pub id: String,
    pub title: String,
    pub description: String,
    pub x_labels: Vec<String>,
    pub history: Option<Series>,
    pub bands: Vec<Band>,
    pub axis_format: fn(f64) -> String,
    /// The style of the first band (0 the baseline's grey, 1 the first scenario's blue...), so a
    /// chart of one scenario alone keeps its colour.
    pub first_style: usize,
}

/// Band styles: the baseline in grey, scenarios in blue then orange.
/// The left margin that holds the longest y-axis label (at the phone stylesheet's 16 units a
/// character is at most about 9 units wide), and never less than [`LEFT`].
fn left_margin(format: fn(f64) -> String, bottom: f64, top: f64, step: f64) -> f64 {
    let mut widest = 0usize;
    let mut tick = bottom;
    while tick <= top + step / 2.0 {
        widest = widest.max(format(tick).chars().count());
        tick += step;
    }
    LEFT.max(9.0 * widest as f64 + 14.0)
}

/// The x-axis labels: at most about ten, so years never overlap, always with the last; the last
/// ends at its point so it is never cut off at the chart's right edge.
fn x_axis(s: &mut String, labels: &[String], x: impl Fn(usize) -> f64) {
    let n = labels.len();
    let every = n.div_ceil(10).max(1);
    for (i, label) in labels.iter().enumerate() {
        if (n - 1 - i) % every == 0 {
            let anchor = if i + 1 == n && n > 1 { "end" } else { "middle" };
            let _ = write!(
                s,
                r##"<text x="{:.1}" y="{:.1}" text-anchor="{anchor}" fill="#0b0c0c">{}</text>"##,
                x(i),
                HEIGHT - BOTTOM + 24.0,
                escape(label)
            );
        }
    }
}

const BAND_STYLES: [(&str, &str); 3] = [("#505a5f", "2 4"), ("#1d70b8", ""), ("#b35900", "8 5")];

impl FanChart {
    pub fn to_svg(&self) -> String {
        let n = self.x_labels.len().max(1);
        let values = self
            .bands
            .iter()
            .flat_map(|b| b.upper.iter().chain(&b.lower).flatten())
            .chain(self.history.iter().flat_map(|h| h.values.iter().flatten()));
        let max = values.clone().fold(0.0f64, |a, b| a.max(*b));
        let min = values.fold(0.0f64, |a, b| a.min(*b));
        let (top, step) = nice_axis(max.max(-min));
        let bottom = if min < 0.0 {
            -((-min / step).ceil() * step)
        } else {
            0.0
        };
        let left = left_margin(self.axis_format, bottom, top, step);
        let plot_w = WIDTH - left - RIGHT;
        let plot_h = HEIGHT - TOP - BOTTOM;
        let x = |i: usize| {
            if n == 1 {
                left + plot_w / 2.0
            } else {
                left + plot_w * i as f64 / (n - 1) as f64
            }
        };
        let y = |v: f64| TOP + plot_h * (1.0 - (v - bottom) / (top - bottom));
        let id = escape(&self.id);
        let mut s = String::with_capacity(6144);
        let _ = write!(
            s,
            r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="{id}-title {id}-desc" focusable="false" font-family="Helvetica Neue, Helvetica, Arial, sans-serif" font-size="14">"#
        );
        let _ = write!(
            s,
            r#"<title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
            escape(&self.title),
            escape(&self.description)
        );
        let mut tick = bottom;
        while tick <= top + step / 2.0 {
            let ty = y(tick);
            let colour = if tick.abs() < step / 1e6 {
                "#0b0c0c"
            } else {
                "#b1b4b6"
            };
            let _ = write!(
                s,
                r##"<line x1="{left:.1}" x2="{:.1}" y1="{ty:.1}" y2="{ty:.1}" stroke="{colour}" stroke-width="1"/><text x="{:.1}" y="{:.1}" text-anchor="end" fill="#0b0c0c">{}</text>"##,
                WIDTH - RIGHT,
                left - 8.0,
                ty + 5.0,
                escape(&(self.axis_format)(tick))
            );
            tick += step;
        }
        x_axis(&mut s, &self.x_labels, x);
        s.push_str(r#"<g aria-hidden="true">"#);
        for (k, band) in self.bands.iter().enumerate() {
            let (colour, dash) = BAND_STYLES[(k + self.first_style) % BAND_STYLES.len()];
            let upper: Vec<(f64, f64)> = band
                .upper
                .iter()
                .enumerate()
                .filter_map(|(i, v)| v.map(|v| (x(i), y(v))))
                .collect();
            let lower: Vec<(f64, f64)> = band
                .lower
                .iter()
                .enumerate()
                .filter_map(|(i, v)| v.map(|v| (x(i), y(v))))
                .collect();
            if upper.len() > 1 && upper.len() == lower.len() {
                let points: Vec<String> = upper
                    .iter()
                    .chain(lower.iter().rev())
                    .map(|(px, py)| format!("{px:.1},{py:.1}"))
                    .collect();
                let _ = write!(
                    s,
                    r#"<polygon points="{}" fill="{colour}" fill-opacity="0.18" stroke="{colour}" stroke-opacity="0.5" stroke-width="1"/>"#,
                    points.join(" ")
                );
            }
            let median: Vec<String> = band
                .median
                .iter()
                .enumerate()
                .filter_map(|(i, v)| v.map(|v| format!("{:.1},{:.1}", x(i), y(v))))
                .collect();
            let dash_attr = if dash.is_empty() {
                String::new()
            } else {
                format!(r#" stroke-dasharray="{dash}""#)
            };
            if median.len() > 1 {
                let _ = write!(
                    s,
                    r#"<polyline fill="none" stroke="{colour}" stroke-width="3"{dash_attr} points="{}"/>"#,
                    median.join(" ")
                );
            }
        }
        if let Some(h) = &self.history {
            let points: Vec<(f64, f64)> = h
                .values
                .iter()
                .enumerate()
                .filter_map(|(i, v)| v.map(|v| (x(i), y(v))))
                .collect();
            if points.len() > 1 {
                let line: Vec<String> = points
                    .iter()
                    .map(|(px, py)| format!("{px:.1},{py:.1}"))
                    .collect();
                let _ = write!(
                    s,
                    r##"<polyline fill="none" stroke="#0b0c0c" stroke-width="3" points="{}"/>"##,
                    line.join(" ")
                );
            }
            for (px, py) in points {
                let _ = write!(
                    s,
                    r##"<circle cx="{px:.1}" cy="{py:.1}" r="4" fill="#0b0c0c"/>"##
                );
            }
        }
        s.push_str("</g></svg>");
        s
    }
}
