//! Going live: how many records of each kind a site holds, and what is
//! still missing for its first month — one query each.

pub mod imports;
pub mod rows;
pub mod write;

use crate::{Conn, Result};

async fn count(c: &mut Conn, sql: &str, site_id: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(sql).bind(site_id).fetch_one(c).await?)
}

/// The records of a kind at a site (`lobby_domain::golive::RecordKind` names).
pub async fn count_of(c: &mut Conn, kind: &str, site_id: i64) -> Result<i64> {
    let sql = match kind {
        "units" => "SELECT COUNT(*) FROM units WHERE site_id = $1 AND archived = 0",
        "public-areas" => "SELECT COUNT(*) FROM public_areas WHERE site_id = $1 AND archived = 0",
        "tenants" => "SELECT COUNT(*) FROM tenants WHERE site_id = $1 AND archived = 0",
        "leases" => {
            "SELECT COUNT(*) FROM occupancies o JOIN units u ON u.id = o.unit_id \
             WHERE u.site_id = $1 AND o.until IS NULL"
        }
        "meters" => "SELECT COUNT(*) FROM meters WHERE site_id = $1 AND archived = 0",
        "fee-items" => "SELECT COUNT(*) FROM fee_items WHERE site_id = $1 AND archived = 0",
        "opening-balances" => {
            "SELECT COUNT(*) FROM statements WHERE site_id = $1 AND state = 'issued'"
        }
        "deposits" => "SELECT COUNT(*) FROM deposits WHERE site_id = $1 AND settled_at IS NULL",
        "keys" => "SELECT COUNT(*) FROM keys WHERE site_id = $1 AND archived = 0",
        "staff" => {
            "SELECT COUNT(DISTINCT r.user_id) FROM user_roles r JOIN users u ON u.id = r.user_id \
             WHERE r.site_id = $1 AND u.active = 1 AND u.tenant_id IS NULL AND u.vendor_id IS NULL"
        }
        "vendors" => "SELECT COUNT(*) FROM vendors WHERE site_id = $1 AND archived = 0",
        "patrol-routes" => "SELECT COUNT(*) FROM patrol_routes WHERE site_id = $1 AND archived = 0",
        _ => return Ok(0),
    };
    count(c, sql, site_id).await
}

/// What the first month still lacks: (what, how many, a few examples).
pub async fn missing(c: &mut Conn, site_id: i64) -> Result<Vec<(&'static str, i64, Vec<String>)>> {
    let checks: [(&str, &str); 5] = [
        (
            "units_without_meter",
            "FROM units u WHERE u.site_id = $1 AND u.archived = 0 AND NOT EXISTS \
             (SELECT 1 FROM meters m WHERE m.unit_id = u.id AND m.archived = 0)",
        ),
        (
            "let_units_without_tenant",
            "FROM units u WHERE u.site_id = $1 AND u.archived = 0 AND u.status = 'occupied' \
             AND NOT EXISTS (SELECT 1 FROM occupancies o WHERE o.unit_id = u.id AND o.until IS NULL)",
        ),
        (
            "tenants_without_day_contact",
            "FROM tenants u WHERE u.site_id = $1 AND u.archived = 0 \
             AND (u.day_phone IS NULL OR TRIM(u.day_phone) = '')",
        ),
        (
            "meters_without_reading",
            "FROM meters u WHERE u.site_id = $1 AND u.archived = 0 AND NOT EXISTS \
             (SELECT 1 FROM meter_readings r WHERE r.meter_id = u.id)",
        ),
        (
            "fee_items_without_rate",
            "FROM fee_items u WHERE u.site_id = $1 AND u.archived = 0 AND NOT EXISTS \
             (SELECT 1 FROM fee_rates r WHERE r.fee_item_id = u.id)",
        ),
    ];
    let mut out = Vec::new();
    for (what, from) in checks {
        let n: i64 = count(c, &format!("SELECT COUNT(*) {from}"), site_id).await?;
        let name = match what {
            "units_without_meter" | "let_units_without_tenant" => "u.number",
            "meters_without_reading" => "u.serial",
            _ => "u.name",
        };
        let examples: Vec<String> = if n > 0 {
            sqlx::query_scalar(&format!("SELECT {name} {from} ORDER BY u.id LIMIT 5"))
                .bind(site_id)
                .fetch_all(&mut *c)
                .await?
        } else {
            Vec::new()
        };
        out.push((what, n, examples));
    }
    Ok(out)
}
