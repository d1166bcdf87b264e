//! The monthly department report printed from Chromium (issue 19, item 1):
//! A4, a cover page of its own, then the sections, no table cut across a
//! page.

use fantoccini::wd::{PrintConfiguration, PrintSize};
use fantoccini::Client;
use lobby_testkit::{both, TestApp};
use serde_json::json;

use crate::browser::{err, run_in_browser, shows, sign_in, Step};

/// The printable height of an A4 page with the report's 12 mm margins, in
/// CSS pixels (96 per inch): (297 − 24) mm.
const A4_BODY_PX: f64 = 273.0 / 25.4 * 96.0;

async fn the_report_prints_on_a4(b: &Client, app: &TestApp) -> Step {
    // Last month, written by the supervisor.
    let month = lobby_app::time::local_date(app.app.now(), "Asia/Shanghai")
        .map_err(err("today"))?
        .first_of_month()
        .checked_sub(jiff::Span::new().months(1))
        .map_err(err("last month"))?
        .strftime("%Y-%m")
        .to_string();
    let sup = app.token("cs_supervisor").await;
    let r = app
        .put(
            Some(&sup),
            &format!("/api/v1/sites/{}/department-reports/{month}", app.site_id),
            &json!({"summary": "本月总结。".repeat(40), "plan": "下月计划。".repeat(20)}),
        )
        .await;
    if r.status != reqwest::StatusCode::OK {
        return Err(format!("write the text: {:?}", r.body));
    }
    b.set_window_size(1000, 900).await.map_err(err("window"))?;
    sign_in(b, app, "cs_supervisor").await?;
    b.goto(&app.url(&format!("/department-reports/{month}/print")))
        .await
        .map_err(err("print page"))?;
    shows(b, "#cover h1", "客户服务部月度工作总结").await?;
    // Every table keeps itself whole and is short enough to fit a page;
    // the cover ends its page.
    let v = b
        .execute(
            "const out = [];
             for (const t of document.querySelectorAll('table, svg.chart')) {
               const s = getComputedStyle(t);
               out.push([t.id || t.className.baseVal || t.className, s.breakInside, t.getBoundingClientRect().height]);
             }
             return [getComputedStyle(document.getElementById('cover')).breakAfter, out];",
            vec![],
        )
        .await
        .map_err(err("styles"))?;
    if v[0] != "page" {
        return Err(format!("the cover does not end its page: {}", v[0]));
    }
    let tables = v[1].as_array().cloned().unwrap_or_default();
    if tables.len() < 8 {
        return Err(format!("too few tables on the print: {}", tables.len()));
    }
    for t in &tables {
        let h = t[2].as_f64().unwrap_or(f64::MAX);
        if t[1] != "avoid" || h > A4_BODY_PX {
            return Err(format!(
                "{} may be cut across pages (break-inside {}, {h} px)",
                t[0], t[1]
            ));
        }
    }
    let pdf = b
        .print(
            PrintConfiguration::builder()
                .size(PrintSize::A4)
                .background(true)
                .build()
                .map_err(err("print configuration"))?,
        )
        .await
        .map_err(err("print to PDF"))?;
    if !pdf.starts_with(b"%PDF") {
        return Err("the print is not a PDF".into());
    }
    let pages = pdf
        .windows(12)
        .filter(|w| w.starts_with(b"/Type /Page") && w[11] != b's')
        .count();
    if pages < 2 {
        return Err(format!(
            "the report printed on {pages} page(s): a cover and the sections make at least two"
        ));
    }
    Ok(())
}

async fn browser_department_report(app: TestApp) {
    run_in_browser(&app, "department-report", |app, b| async move {
        the_report_prints_on_a4(&b, app).await
    })
    .await;
}
both!(browser_department_report);
