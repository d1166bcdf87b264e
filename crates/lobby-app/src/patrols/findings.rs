//! Findings: what a finished round's failed items become — a work order
//! for the department the walker chose (or a note on the item's open one),
//! or a tenant's violation when the walker said so.
//!
//! Part of `patrols`; shares its imports.

#[allow(unused_imports)]
use super::*;

/// A finding's work-order title: the walker's note (its first line), or
/// "<checkpoint>：<item> 不合格" when they wrote nothing.
pub(super) fn finding_title(note: &str, checkpoint: &str, item: &str) -> String {
    let first = note.lines().map(str::trim).find(|l| !l.is_empty());
    match first {
        Some(l) => l.chars().take(120).collect(),
        None => format!("{checkpoint}：{item} 不合格")
            .chars()
            .take(120)
            .collect(),
    }
}

pub(super) async fn file_findings(
    tx: &mut crate::Work<'_>,
    now: i64,
    actor: &Actor,
    r: &RoundRow,
) -> AppResult<i64> {
    let results = store::results(tx, r.id).await?;
    let item_results = store::item_results(tx, r.id).await?;
    let photos = lobby_store::photos::of_round(tx, r.id).await?;
    let cps = store::checkpoints(tx, &[r.route_id]).await?;
    let cp_ids: Vec<i64> = cps.iter().map(|c| c.id).collect();
    let items = store::items(tx, &cp_ids).await?;
    let failed: Vec<i64> = item_results
        .iter()
        .filter(|ir| ir.ok == 0 && ir.ticket_id.is_none() && ir.violation_kind_id.is_none())
        .map(|ir| ir.item_id)
        .collect();
    let open = store::open_tickets_for_items(tx, &failed).await?;
    let mut n = 0;
    for ir in item_results
        .iter()
        .filter(|ir| ir.ok == 0 && ir.ticket_id.is_none() && ir.violation_kind_id.is_none())
    {
        n += 1;
        let Some(res) = results.iter().find(|x| x.id == ir.result_id) else {
            continue;
        };
        let Some(cp) = cps.iter().find(|c| c.id == res.checkpoint_id) else {
            continue;
        };
        let Some(item) = items.iter().find(|i| i.id == ir.item_id) else {
            continue;
        };
        let category: Category = item.category;
        let what = ir.note.clone().unwrap_or_default();
        let department = match ir.department {
            Some(d) => d,
            None => super::departments::department_of(tx, r.site_id, category).await?,
        };
        // The same problem as the item's open order (the walker said so):
        // added to it, and whoever has it is told. Otherwise its own order.
        let same = open
            .iter()
            .find(|o| o.item_id == item.id)
            .filter(|_| ir.same_problem != 0);
        let ticket_id = match same {
            Some(o) => {
                crate::tickets::act_in(
                    tx,
                    now,
                    actor,
                    o.id,
                    &ActionInput {
                        note: Some(format!("巡视再次发现（第 {} 轮）：{what}", r.id)),
                        ..ActionInput::new(lobby_domain::tickets::Action::Comment)
                    },
                )
                .await?;
                if let Some(to) = o.assignee_id {
                    lobby_store::notify::insert(
                        tx,
                        &lobby_store::notify::NewNotification {
                            site_id: Some(r.site_id),
                            user_id: to,
                            kind: "patrol_found_again",
                            title: &o.number,
                            body: &what,
                            link: Some(&format!("/tickets/{}", o.id)),
                            now,
                        },
                    )
                    .await?;
                }
                o.id
            }
            None => {
                let t = crate::tickets::create_in(
                    tx,
                    now,
                    actor,
                    &NewTicketInput {
                        site_id: Some(r.site_id),
                        kind: if category == Category::Engineering {
                            TicketKind::Repair
                        } else {
                            TicketKind::Request
                        },
                        priority: Some(if category == Category::Safety {
                            Priority::High
                        } else {
                            Priority::Normal
                        }),
                        // What the walker found, in their words.
                        title: finding_title(&what, &cp.name, &item.instruction),
                        description: format!("{what}\n\n— {} · {}", r.route_name, r.walker_name),
                        unit_id: None,
                        location: Some(cp.location.clone()),
                        tenant_id: None,
                        channel: Some(Channel::Patrol),
                        department: Some(department),
                        complaint: None,
                        reporter_name: Some(r.walker_name.clone()),
                        reporter_phone: None,
                    },
                )
                .await?;
                lobby_store::tickets::set_patrol_round(tx, t, r.id).await?;
                // The walker saw where it belongs: it goes straight to that department.
                crate::tickets::act_on_behalf(
                    tx,
                    now,
                    actor,
                    t,
                    &ActionInput {
                        department: Some(department),
                        note: Some(format!("巡视发现（第 {} 轮）", r.id)),
                        ..ActionInput::new(lobby_domain::tickets::Action::Dispatch)
                    },
                )
                .await?;
                for p in photos.iter().filter(|p| p.owner_id == res.id) {
                    lobby_store::photos::insert(
                        tx,
                        &lobby_store::photos::NewPhoto {
                            owner: Owner::Ticket,
                            owner_id: t,
                            blob: &p.blob,
                            thumb_blob: &p.thumb_blob,
                            content_type: &p.content_type,
                            size_bytes: p.size_bytes,
                            width: p.width,
                            height: p.height,
                            uploaded_by: actor.audit_id(),
                            now,
                            // The finding as the walker found it.
                            stage: Some(lobby_domain::tickets::PhotoStage::Before),
                            event_id: None,
                        },
                    )
                    .await?;
                }
                t
            }
        };
        store::set_item_ticket(tx, ir.id, ticket_id).await?;
    }
    // A tenant's breach of the rules the walker saw: a violation at the
    // checkpoint's place, with the checkpoint's photos.
    for ir in item_results.iter().filter(|ir| ir.ok == 0) {
        let (Some(kind_id), Some(res)) = (
            ir.violation_kind_id,
            results.iter().find(|x| x.id == ir.result_id),
        ) else {
            continue;
        };
        let (Some(kind), Some(cp)) = (
            lobby_store::violations::kind(tx, kind_id).await?,
            cps.iter().find(|c| c.id == res.checkpoint_id),
        ) else {
            continue;
        };
        n += 1;
        let what = ir.note.clone().unwrap_or_default();
        let description = format!("{what}\n\n— {} · {}", r.route_name, r.walker_name);
        let id = crate::violations::record_in(
            tx,
            &crate::violations::Seen {
                site_id: r.site_id,
                kind: &kind,
                unit: None,
                location: Some(&cp.location),
                tenant: None,
                description: &description,
                patrol_item_result_id: Some(ir.id),
            },
        )
        .await?;
        for p in photos.iter().filter(|p| p.owner_id == res.id) {
            lobby_store::photos::insert(
                tx,
                &lobby_store::photos::NewPhoto {
                    owner: Owner::Violation,
                    owner_id: id,
                    blob: &p.blob,
                    thumb_blob: &p.thumb_blob,
                    content_type: &p.content_type,
                    size_bytes: p.size_bytes,
                    width: p.width,
                    height: p.height,
                    uploaded_by: actor.audit_id(),
                    now,
                    stage: None,
                    event_id: None,
                },
            )
            .await?;
        }
    }
    Ok(n)
}
