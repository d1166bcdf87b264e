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
            kind: lobby_domain::work_log::LiaisonKind::Inspection,
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
            kind: lobby_domain::work_log::LiaisonKind::Notice,
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
                topic: Some(topic.parse()?),
                text: text.into(),
            },
        )
        .await?;
    }
    Ok(())
}

/// Whom the site supervises, last month's evaluations, and proposals: one
/// waiting for the project manager, one adopted and done.
pub(super) async fn load_supervision(app: &App, site: i64) -> AppResult<()> {
    use lobby_app::supervision::{
        self as sv, ProposalInput, ProposalStepInput, SupervisedInput, SupervisionEvaluationInput,
    };
    let sup = demo_actor(app, "cs_supervisor").await?;
    let pm = demo_actor(app, "project_manager").await?;
    let month = lobby_app::time::local_date(app.now(), DEMO_TZ)?
        .first_of_month()
        .checked_sub(jiff::Span::new().months(1))
        .map_err(|e| AppError::Internal(anyhow::anyhow!("the demo's month: {e}")))?
        .strftime("%Y-%m")
        .to_string();
    for (service, name, contact, base) in [
        ("security", "秩序维护部", Some("刘队长"), 88),
        ("engineering", "工程部", Some("张主管"), 84),
        ("lift", "迅达电梯维保站", Some("维保热线 400-820-0000"), 79),
        ("fire_system", "安盾消防设施维保公司", Some("陈经理"), 91),
    ] {
        let s = sv::add_supervised(
            app,
            &sup,
            &SupervisedInput {
                site_id: site,
                service: service.parse()?,
                name: name.into(),
                contact: contact.map(Into::into),
            },
        )
        .await?;
        let scores = s
            .criteria
            .iter()
            .enumerate()
            .map(|(i, k)| (k.code.clone(), base + (i as i64 % 3) * 3 - 3))
            .collect();
        sv::evaluate(
            app,
            &sup,
            s.id,
            &month,
            &SupervisionEvaluationInput {
                scores,
                note: (service == "lift").then(|| "本月2号梯两次困梯，维保响应偏慢。".into()),
            },
        )
        .await?;
    }
    let fd = demo_actor(app, "front_desk").await?;
    sv::propose(
        app,
        &fd,
        &ProposalInput {
            site_id: site,
            title: "快递柜移至大堂东侧".into(),
            body: "午间取件排队挡住大堂通道，建议将快递柜移到东侧空位，并加装照明。".into(),
        },
    )
    .await?;
    let done = sv::propose(
        app,
        &sup,
        &ProposalInput {
            site_id: site,
            title: "雨天在入口加铺防滑垫".into(),
            body: "雨天大堂地面湿滑，已有租户投诉，建议备防滑垫和警示牌，由保洁在下雨时铺设。"
                .into(),
        },
    )
    .await?;
    sv::step(
        app,
        &pm,
        done.id,
        "adopt",
        &ProposalStepInput {
            note: Some("同意，由保洁外包执行。".into()),
        },
    )
    .await?;
    sv::step(
        app,
        &pm,
        done.id,
        "done",
        &ProposalStepInput {
            note: Some("已购防滑垫6块，写入保洁雨天作业规程。".into()),
        },
    )
    .await?;
    Ok(())
}
