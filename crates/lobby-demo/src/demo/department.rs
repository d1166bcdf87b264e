//! The demo's department management: last month's report as the
//! supervisor wrote it, waiting for the project manager's sign-off; today's
//! work log; the government-liaison register with one contact answered and
//! one whose deadline is two days away.

use lobby_app::department_reports as reports;
use lobby_app::work_log::{self as wl, EntryInput, LiaisonInput, ResponseInput};
use lobby_app::{App, AppError, AppResult};

use super::{demo_actor, DEMO_TZ};

fn days_from(day: jiff::civil::Date, n: i64) -> AppResult<jiff::civil::Date> {
    day.checked_add(jiff::Span::new().days(n))
        .map_err(|e| AppError::Internal(anyhow::anyhow!("the demo's days: {e}")))
}

/// Last month's department report (部门总结), written from its figures.
pub(super) async fn load_department_report(app: &App, site: i64) -> AppResult<()> {
    let sup = demo_actor(app, "cs_supervisor").await?;
    let month = lobby_app::time::local_date(app.now(), DEMO_TZ)?
        .first_of_month()
        .checked_sub(jiff::Span::new().months(1))
        .map_err(|e| AppError::Internal(anyhow::anyhow!("the demo's month: {e}")))?
        .strftime("%Y-%m")
        .to_string();
    let r = reports::report(app, &sup, site, &month).await?;
    let f = &r.figures;
    let summary = format!(
        "本月共受理工单 {} 单，其中投诉 {} 单，回访 {} 户次，平均满意度 {}。\n\
         巡视应巡 {} 次，完成 {} 次，漏巡 {} 次，已对漏巡班次进行提醒。\n\
         保洁检查 {} 次，发出整改通知书 {} 份，均已跟进。\n\
         培训 {} 场，办公用品按计划申购。",
        f.tickets.total,
        f.complaints,
        f.tickets.return_visits,
        f.tickets
            .satisfaction_mean
            .map_or_else(|| "—".to_string(), |v| format!("{v:.1}")),
        f.patrols.scheduled,
        f.patrols.done,
        f.patrols.missed,
        f.cleaning.inspections,
        f.cleaning.notices_issued,
        f.training.sessions,
    );
    let plan = "1. 跟进欠费租户催缴，月底前完成上门拜访。\n\
                2. 组织前台及客服助理服务礼仪培训一次。\n\
                3. 检查外包保洁单位培训计划落实情况。\n\
                4. 完成冬季巡视路线调整。";
    reports::write(
        app,
        &sup,
        site,
        &month,
        &reports::ReportTextInput {
            summary,
            plan: plan.into(),
            expected_version: None,
        },
    )
    .await?;
    Ok(())
}

/// Today's work log and the government-liaison register.
pub(super) async fn load_work_log(app: &App, site: i64) -> AppResult<()> {
    let sup = demo_actor(app, "cs_supervisor").await?;
    let pm = demo_actor(app, "project_manager").await?;
    let today = lobby_app::time::local_date(app.now(), DEMO_TZ)?;
    let inspection = wl::add_liaison(
        app,
        &sup,
        &LiaisonInput {
            site_id: site,
            authority: "区消防救援支队".into(),
            contact: Some("李参谋 021-6200 1190".into()),
            kind: "inspection".into(),
            subject: "季度消防安全检查".into(),
            detail: Some(
                "检查消防通道、灭火器及消防控制室值班记录；指出地下一层消防通道堆放杂物。".into(),
            ),
            happened_on: Some(days_from(today, -6)?.to_string()),
            deadline_on: Some(days_from(today, -1)?.to_string()),
        },
    )
    .await?;
    wl::respond(
        app,
        &sup,
        inspection.id,
        &ResponseInput {
            response: "地下一层杂物已清理，整改照片已报送李参谋。".into(),
        },
    )
    .await?;
    wl::add_liaison(
        app,
        &pm,
        &LiaisonInput {
            site_id: site,
            authority: "街道办事处".into(),
            contact: Some("王科长".into()),
            kind: "notice".into(),
            subject: "报送冬季安全生产自查表".into(),
            detail: None,
            happened_on: Some(days_from(today, -3)?.to_string()),
            deadline_on: Some(days_from(today, 2)?.to_string()),
        },
    )
    .await?;
    for (topic, text) in [
        (
            "arrears",
            "1208室租户本月第二次延迟缴费，已电话提醒，月底前未缴则发催缴通知。",
        ),
        ("decision", "大堂圣诞布置由保洁外包负责，12月15日前完成。"),
    ] {
        wl::add_entry(
            app,
            &sup,
            &EntryInput {
                site_id: site,
                day: None,
                topic: Some(topic.into()),
                text: text.into(),
            },
        )
        .await?;
    }
    Ok(())
}
