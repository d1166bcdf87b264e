//! A bar chart drawn on the server as SVG (the ticket summary, the
//! department report), so a printed page has it without script.

/// One bar of a server-drawn SVG chart, with its value written above it.
pub struct Bar {
    pub x: i64,
    pub y: i64,
    pub w: i64,
    pub h: i64,
    pub label: String,
    pub n: i64,
    /// The bar's middle, where its value and day are written.
    pub mid: i64,
}

/// A bar chart with its axes: the value scale on the left (0, half, top,
/// each with a grid line) and the days along the bottom (a label every few
/// bars so they never overlap).
pub struct Chart {
    pub bars: Vec<Bar>,
    /// (y, value) of each grid line.
    pub ticks: Vec<(i64, i64)>,
    /// (x, text) of each day label.
    pub days: Vec<(i64, String)>,
    /// Where the plot starts (after the value scale) and its height.
    pub left: i64,
    pub height: i64,
    pub width: i64,
    /// Values are written above bars wide enough to hold them.
    pub values: bool,
}

pub const CHART_H: i64 = 120;
const CHART_LEFT: i64 = 30;

/// A top for the value scale that halves into whole numbers: 1, 2, 4, 6,
/// 10, 20, 40, 60, 100 … at least `max`.
fn nice_top(max: i64) -> i64 {
    let mut step = 1;
    loop {
        for m in [1, 2, 4, 6, 10] {
            if m * step >= max {
                return m * step;
            }
        }
        step *= 10;
    }
}

/// A chart of days (`2026-11-02`, labelled `11-02`).
pub fn chart(items: &[lobby_app::reports::Count], width: i64) -> Chart {
    chart_of(items, width, |k| k.get(5..).unwrap_or(k).to_string())
}

/// A chart labelled with each item's key as it is (`0-30`, `31-60` …).
pub fn chart_named(items: &[lobby_app::reports::Count], width: i64) -> Chart {
    chart_of(items, width, str::to_string)
}

fn chart_of(
    items: &[lobby_app::reports::Count],
    width: i64,
    label: impl Fn(&str) -> String,
) -> Chart {
    let top = nice_top(items.iter().map(|c| c.n).max().unwrap_or(0).max(1));
    let plot = width - CHART_LEFT;
    let w = (plot / items.len().max(1) as i64).max(2);
    let bars: Vec<Bar> = items
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let h = c.n * CHART_H / top;
            let x = CHART_LEFT + i as i64 * w;
            Bar {
                x,
                y: CHART_H - h,
                w: (w - 2).max(1),
                h,
                label: c.key.clone(),
                n: c.n,
                mid: x + (w - 2).max(1) / 2,
            }
        })
        .collect();
    // A day label (MM-DD) at most every 60 px.
    let every = (60 / w).max(1) as usize;
    let days = bars
        .iter()
        .enumerate()
        .filter(|(i, _)| i % every == 0)
        .map(|(_, b)| (b.mid, label(&b.label)))
        .collect();
    Chart {
        ticks: [0, top / 2, top]
            .iter()
            .map(|v| (CHART_H - v * CHART_H / top, *v))
            .collect(),
        days,
        left: CHART_LEFT,
        height: CHART_H,
        width,
        values: w >= 14,
        bars,
    }
}

impl Chart {
    /// The chart as an inline SVG element (`id`, its accessible `title`
    /// and the unit written over the value scale), for a page that shows
    /// several.
    pub fn svg(&self, id: &str, title: &str, unit: &str) -> String {
        use std::fmt::Write;
        let esc = |t: &str| {
            t.replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
                .replace('"', "&quot;")
        };
        let mut o = String::new();
        let _ = write!(
            o,
            r#"<svg class="chart" id="{}" viewBox="0 -12 {} {}" role="img" aria-label="{}">"#,
            esc(id),
            self.width,
            self.height + 30,
            esc(title)
        );
        for (y, v) in &self.ticks {
            let _ = write!(
                o,
                r#"<line x1="{l}" y1="{y}" x2="{w}" y2="{y}" class="grid-line"></line><text x="{t}" y="{ty}" text-anchor="end">{v}</text>"#,
                l = self.left,
                w = self.width,
                t = self.left - 4,
                ty = y + 3
            );
        }
        for b in &self.bars {
            let _ = write!(
                o,
                r#"<g><title>{}: {}</title><rect x="{}" y="{}" width="{}" height="{}"></rect>"#,
                esc(&b.label),
                b.n,
                b.x,
                b.y,
                b.w,
                b.h
            );
            if self.values && b.n > 0 {
                let _ = write!(
                    o,
                    r#"<text x="{}" y="{}" text-anchor="middle" class="value">{}</text>"#,
                    b.mid,
                    b.y - 2,
                    b.n
                );
            }
            o.push_str("</g>");
        }
        let _ = write!(
            o,
            r#"<line x1="{l}" y1="0" x2="{l}" y2="{h}" class="axis"></line><line x1="{l}" y1="{h}" x2="{w}" y2="{h}" class="axis"></line>"#,
            l = self.left,
            h = self.height,
            w = self.width
        );
        for (x, day) in &self.days {
            let _ = write!(
                o,
                r#"<text x="{x}" y="{}" text-anchor="middle">{}</text>"#,
                self.height + 13,
                esc(day)
            );
        }
        let _ = write!(
            o,
            r#"<text x="{}" y="-3" class="unit">{}</text></svg>"#,
            self.left,
            esc(unit)
        );
        o
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lobby_app::reports::Count;

    #[test]
    fn a_chart_draws_its_bars_and_escapes_its_words() {
        let items = vec![
            Count {
                key: "0-30".into(),
                n: 3,
            },
            Count {
                key: "31-60".into(),
                n: 0,
            },
        ];
        let svg = chart_named(&items, 300).svg("a", "欠费<账龄>", "元");
        assert!(svg.contains(">31-60<") && svg.contains(">0-30<"), "{svg}");
        assert!(svg.contains("欠费&lt;账龄&gt;") && !svg.contains("<账龄>"));
        assert_eq!(svg.matches("<rect").count(), 2);
    }
}
