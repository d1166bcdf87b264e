//! Part of `generate`; shares its imports.

#[allow(unused_imports)]
use super::*;

pub(super) const DESK_NOTES: [(&str, &str); 10] = [
    ("tenant", "租户来电询问本月物业费账单，已解答"),
    ("tenant", "租户反映隔壁装修噪音，已联系装修单位控制时间"),
    ("facility", "大堂感应门反应慢，已通知工程部查看"),
    ("security", "夜间巡逻发现消防通道堆放纸箱，已通知清理"),
    ("lift", "2号电梯轿厢照明一盏不亮"),
    ("lobby", "大堂地面湿滑，已放置警示牌"),
    ("other", "快递公司临时换人派件，已登记"),
    ("tenant", "访客未预约来访，已电话确认后放行"),
    ("facility", "地下车库照明定时开关调整为22点"),
    ("other", "交接班：钥匙柜钥匙齐全"),
];

/// A day of the front desk's log: a handful of entries, one in ten needing
/// follow-up (closed two days later if old enough), each acknowledged by the
/// supervisor at the next shift start.
pub(super) fn desk_day(
    b: &mut Batch,
    ids: &mut Ids,
    site: &Site,
    day_start: i64,
    now: i64,
    rng: &mut StdRng,
) -> AppResult<()> {
    let (desk_id, desk_name) = site.person(Role::FrontDesk);
    let (sup_id, sup_name) = site.person(Role::CsSupervisor);
    let n = rng.gen_range(3..=9);
    let mut times: Vec<i64> = (0..n)
        .map(|_| day_start + 7 * HOUR + rng.gen_range(0..14 * HOUR))
        .collect();
    times.sort_unstable();
    for at in times.into_iter().filter(|t| *t < now) {
        let (category, text) = DESK_NOTES[rng.gen_range(0..DESK_NOTES.len())];
        let follow = rng.gen_bool(0.1);
        let closed = (follow && at + 2 * DAY < now).then_some(at + 2 * DAY);
        b.desk.push(vec![
            ids.desk.into(),
            site.id.into(),
            at.into(),
            Val::OptInt(Some(desk_id)),
            desk_name.into(),
            category.into(),
            text.into(),
            i64::from(follow).into(),
            match (follow, closed) {
                (false, _) => "none",
                (true, None) => "open",
                (true, Some(_)) => "closed",
            }
            .into(),
            Val::OptText(closed.map(|_| "已跟进处理完毕".to_string())),
            Val::OptText(closed.map(|_| sup_name.to_string())),
            closed.into(),
        ])?;
        let ack = day_start + DAY + 8 * HOUR + rng.gen_range(0..30 * MIN);
        if ack < now {
            b.acks.push(vec![
                ids.desk.into(),
                sup_id.into(),
                sup_name.into(),
                ack.into(),
            ])?;
        }
        ids.desk += 1;
    }
    Ok(())
}

/// A day of patrols: each route walked in each of its windows (one in
/// thirty missed), every checkpoint scanned and its items checked. The
/// generated rounds record every item as fine: the findings of a patrol are
/// the work orders of channel `patrol` among the generated tickets (not
/// linked back to a round).
pub(super) fn patrol_day(
    b: &mut Batch,
    ids: &mut Ids,
    site: &Site,
    day_start: i64,
    now: i64,
    rng: &mut StdRng,
) -> AppResult<()> {
    for (k, route) in site.routes.iter().enumerate() {
        let (route_id, windows, checkpoints) = (route.id, &route.windows, &route.checkpoints);
        let walker = if k == 0 {
            site.person(Role::FieldAssistant)
        } else {
            site.person(Role::Security)
        };
        for (from, to) in windows {
            if rng.gen_bool(1.0 / 30.0) {
                continue;
            }
            let start = day_start + from * MIN + rng.gen_range(0..(to - from).clamp(1, 40) * MIN);
            let total = checkpoints.len() as i64;
            let done = if rng.gen_bool(0.03) { total - 1 } else { total };
            let finish = start + done * rng.gen_range(4..9) * MIN;
            if finish >= now {
                continue;
            }
            let round = ids.round;
            ids.round += 1;
            b.rounds.push(vec![
                round.into(),
                site.id.into(),
                route_id.into(),
                Val::OptInt(Some(walker.0)),
                walker.1.into(),
                start.into(),
                Val::OptInt(Some(finish)),
                done.into(),
                total.into(),
                0i64.into(),
            ])?;
            for (j, (cp, items)) in checkpoints.iter().take(done as usize).enumerate() {
                let at = start + (j as i64 + 1) * (finish - start) / (done.max(1) + 1);
                let result = ids.result;
                ids.result += 1;
                b.results.push(vec![
                    result.into(),
                    round.into(),
                    (*cp).into(),
                    Val::OptInt(Some(at - 20_000_000)),
                    at.into(),
                    walker.1.into(),
                    Val::OptText(None),
                ])?;
                for item in items {
                    b.item_results.push(vec![
                        ids.item_result.into(),
                        result.into(),
                        (*item).into(),
                        1i64.into(),
                        Val::OptText(None),
                    ])?;
                    ids.item_result += 1;
                }
            }
        }
    }
    Ok(())
}
