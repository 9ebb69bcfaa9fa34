//! The catalog queries of an introspection: one per kind of object, each filtered
//! by namespace (`$1`, a `text[]`), so their number does not depend on how many
//! tables there are. Each result is mapped to the plain rows of [`super::rows`].
//!
//! They run in one read-only snapshot with `search_path = pg_catalog`, so every
//! name outside `pg_catalog` comes back schema-qualified, and with fixed
//! `TimeZone`, `DateStyle`, `IntervalStyle` and `extra_float_digits`, so constants
//! in expressions print the same way whoever runs them.

use postgres::types::ToSql;
use postgres::{Row, Transaction};

use super::rows::*;

/// Settings every introspection runs under (one round trip, not counted as a
/// catalog query). JIT is off: the per-row subqueries inflate cost estimates past
/// `jit_above_cost`, and compiling took longer than running (0.5 s of 0.6 s on
/// 1,000 tables).
pub(crate) const SESSION_SETUP: &str = "SET LOCAL search_path = pg_catalog; SET LOCAL TimeZone = 'UTC'; \
SET LOCAL DateStyle = 'ISO, MDY'; SET LOCAL IntervalStyle = 'postgres'; SET LOCAL extra_float_digits = 1; SET LOCAL jit = off";

/// `NOT` an object that belongs to an extension (`pg_depend` type `e`).
macro_rules! not_extension_member {
    ($catalog:literal, $oid:literal) => {
        concat!(
            "NOT EXISTS (SELECT 1 FROM pg_depend xd WHERE xd.classid = '",
            $catalog,
            "'::regclass AND xd.objid = ",
            $oid,
            " AND xd.deptype = 'e')"
        )
    };
}

const NAMESPACES: &str = "SELECT n.nspname::text FROM pg_namespace n WHERE n.nspname = ANY($1::text[]) ORDER BY 1";

const EXTENSIONS: &str = "SELECT e.extname::text, n.nspname::text
FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
WHERE e.extname <> 'plpgsql' AND $1::text[] IS NOT NULL
ORDER BY 1";

/// Roles referred to by privileges and policies in the schemas, the roles named in
/// `$2`, and every role those are members of.
const ROLES: &str = "WITH RECURSIVE referenced(oid) AS (
    SELECT x.grantee FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, aclexplode(c.relacl) x
    WHERE c.relacl IS NOT NULL AND n.nspname = ANY($1::text[]) AND c.relkind IN ('r','p','v','m') AND NOT c.relispartition
      AND x.grantee <> c.relowner
  UNION
    SELECT x.grantee FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace,
      aclexplode(a.attacl) x
    WHERE a.attacl IS NOT NULL AND n.nspname = ANY($1::text[]) AND c.relkind IN ('r','p','v','m') AND NOT c.relispartition
      AND a.attnum > 0 AND NOT a.attisdropped AND x.grantee <> c.relowner
  UNION
    SELECT x.grantee FROM pg_namespace n, aclexplode(n.nspacl) x WHERE n.nspname = ANY($1::text[]) AND x.grantee <> n.nspowner
  UNION
    SELECT x.grantee FROM pg_default_acl d JOIN pg_namespace n ON n.oid = d.defaclnamespace, aclexplode(d.defaclacl) x
    WHERE n.nspname = ANY($1::text[])
  UNION
    SELECT unnest(p.polroles) FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = ANY($1::text[])
  UNION
    SELECT r.oid FROM pg_roles r WHERE r.rolname = ANY($2::text[])
), closure(oid) AS (
    SELECT oid FROM referenced WHERE oid <> 0
  UNION
    SELECT m.roleid FROM pg_auth_members m JOIN closure cl ON m.member = cl.oid
)
SELECT r.rolname::text, r.rolcanlogin,
  array(SELECT pr.rolname::text FROM pg_auth_members m JOIN pg_roles pr ON pr.oid = m.roleid WHERE m.member = r.oid ORDER BY 1),
  shobj_description(r.oid, 'pg_authid')
FROM pg_roles r
WHERE r.oid IN (SELECT oid FROM closure) AND r.rolname !~ '^pg_'
ORDER BY 1";

const ENUMS: &str = concat!(
    "SELECT n.nspname::text, t.typname::text,
  array(SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder),
  obj_description(t.oid, 'pg_type')
FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE t.typtype = 'e' AND n.nspname = ANY($1::text[]) AND ",
    not_extension_member!("pg_type", "t.oid"),
    "
ORDER BY 1, 2"
);

const DOMAINS: &str = concat!(
    "SELECT n.nspname::text, t.typname::text, format_type(t.typbasetype, t.typtypmod), t.typnotnull,
  pg_get_expr(t.typdefaultbin, 0),
  array(SELECT c.conname::text FROM pg_constraint c WHERE c.contypid = t.oid AND c.contype = 'c' ORDER BY c.conname),
  array(SELECT pg_get_expr(c.conbin, 0) FROM pg_constraint c WHERE c.contypid = t.oid AND c.contype = 'c' ORDER BY c.conname),
  obj_description(t.oid, 'pg_type')
FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE t.typtype = 'd' AND n.nspname = ANY($1::text[]) AND ",
    not_extension_member!("pg_type", "t.oid"),
    "
ORDER BY 1, 2"
);

const TABLES: &str = concat!(
    "SELECT n.nspname::text, c.relname::text, c.relrowsecurity, c.relforcerowsecurity,
  obj_description(c.oid, 'pg_class'),
  CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END,
  pt.partstrat::text,
  CASE WHEN pt.partrelid IS NULL THEN '{}'::text[] ELSE array(
    SELECT a.attname::text FROM unnest(pt.partattrs::int2[]) WITH ORDINALITY k(attnum, ord)
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum ORDER BY k.ord) END,
  coalesce(pt.partexprs IS NOT NULL OR EXISTS (
    SELECT 1 FROM unnest(pt.partclass::oid[]) pc JOIN pg_opclass o ON o.oid = pc WHERE NOT o.opcdefault), false),
  c.relpersistence::text,
  EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = c.oid)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_partitioned_table pt ON pt.partrelid = c.oid
WHERE c.relkind IN ('r','p') AND NOT c.relispartition AND n.nspname = ANY($1::text[]) AND ",
    not_extension_member!("pg_class", "c.oid"),
    "
ORDER BY 1, 2"
);

const PARTITIONS: &str = "SELECT pn.nspname::text, p.relname::text, cn.nspname::text, c.relname::text,
  pg_get_expr(c.relpartbound, c.oid), c.relkind = 'p', c.relrowsecurity, c.relforcerowsecurity,
  array(SELECT ic.relname::text FROM pg_index x JOIN pg_class ic ON ic.oid = x.indexrelid WHERE x.indrelid = c.oid ORDER BY 1),
  array(SELECT coalesce(pi.relname::text, '') FROM pg_index x JOIN pg_class ic ON ic.oid = x.indexrelid
        LEFT JOIN pg_inherits ii ON ii.inhrelid = x.indexrelid LEFT JOIN pg_class pi ON pi.oid = ii.inhparent
        WHERE x.indrelid = c.oid ORDER BY ic.relname)
FROM pg_class c
JOIN pg_inherits i ON i.inhrelid = c.oid
JOIN pg_class p ON p.oid = i.inhparent
JOIN pg_namespace pn ON pn.oid = p.relnamespace
JOIN pg_namespace cn ON cn.oid = c.relnamespace
WHERE c.relispartition AND c.relkind IN ('r','p') AND NOT p.relispartition AND pn.nspname = ANY($1::text[])
ORDER BY 1, 2, 4";

const COLUMNS: &str = concat!(
    "SELECT n.nspname::text, c.relname::text, a.attname::text, format_type(a.atttypid, a.atttypmod), a.attnotnull,
  a.attidentity::text, a.attgenerated::text, pg_get_expr(d.adbin, d.adrelid), col_description(c.oid, a.attnum),
  a.atthasdef AND EXISTS (SELECT 1 FROM pg_depend dep JOIN pg_class s ON s.oid = dep.objid AND s.relkind = 'S'
          WHERE dep.classid = 'pg_class'::regclass AND dep.refclassid = 'pg_class'::regclass
            AND dep.refobjid = c.oid AND dep.refobjsubid = a.attnum AND dep.deptype = 'a'),
  CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation
       THEN (SELECT co.collname::text FROM pg_collation co WHERE co.oid = a.attcollation) END,
  CASE WHEN a.attidentity <> '' OR a.atthasdef THEN (
    SELECT ARRAY[sn.nspname::text, s.relname::text] FROM pg_depend dep
    JOIN pg_class s ON s.oid = dep.objid AND s.relkind = 'S' JOIN pg_namespace sn ON sn.oid = s.relnamespace
    WHERE dep.classid = 'pg_class'::regclass AND dep.refclassid = 'pg_class'::regclass
      AND dep.refobjid = c.oid AND dep.refobjsubid = a.attnum AND dep.deptype IN ('a', 'i')
    ORDER BY dep.deptype DESC, s.relname LIMIT 1) END,
  CASE WHEN a.atthasdef THEN (
    SELECT format_type(sq.seqtypid, NULL) FROM pg_depend dep JOIN pg_sequence sq ON sq.seqrelid = dep.objid
    WHERE dep.classid = 'pg_class'::regclass AND dep.refclassid = 'pg_class'::regclass
      AND dep.refobjid = c.oid AND dep.refobjsubid = a.attnum AND dep.deptype = 'a'
    ORDER BY dep.objid LIMIT 1) END
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE c.relkind IN ('r','p') AND NOT c.relispartition AND a.attnum > 0 AND NOT a.attisdropped
  AND n.nspname = ANY($1::text[]) AND ",
    not_extension_member!("pg_class", "c.oid"),
    "
ORDER BY 1, 2, a.attnum"
);

const CONSTRAINTS: &str = concat!(
    "SELECT n.nspname::text, c.relname::text, con.conname::text, con.contype::text,
  array(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(attnum, ord)
        JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.ord),
  fn.nspname::text, fc.relname::text,
  array(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(attnum, ord)
        JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum ORDER BY k.ord),
  con.confdeltype::text, con.confupdtype::text, con.confmatchtype::text, con.condeferrable, con.condeferred,
  con.convalidated,
  CASE WHEN con.contype = 'c' THEN pg_get_expr(con.conbin, con.conrelid) END,
  coalesce((SELECT (to_jsonb(i) ->> 'indnullsnotdistinct')::bool FROM pg_index i WHERE i.indexrelid = con.conindid
            AND con.contype IN ('p', 'u')), false),
  CASE WHEN con.contype IN ('f', 'x') THEN pg_get_constraintdef(con.oid) ELSE '' END, con.connoinherit,
  array(SELECT a.attname::text
        FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(to_jsonb(con) -> 'confdelsetcols') = 'array'
                                            THEN to_jsonb(con) -> 'confdelsetcols' ELSE '[]' END) WITH ORDINALITY k(attnum, ord)
        JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum::int2 ORDER BY k.ord)
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_class fc ON fc.oid = con.confrelid
LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace
WHERE c.relkind IN ('r','p') AND NOT c.relispartition AND con.conparentid = 0
  AND con.contype IN ('p','u','c','f','x') AND n.nspname = ANY($1::text[]) AND ",
    not_extension_member!("pg_class", "c.oid"),
    "
ORDER BY 1, 2, 3"
);

const INDEXES: &str = concat!(
    "SELECT n.nspname::text, c.relname::text, c.relkind::text, ic.relname::text, am.amname::text, i.indisunique,
  coalesce((to_jsonb(i) ->> 'indnullsnotdistinct')::bool, false),
  i.indnkeyatts::int4,
  array(SELECT (SELECT a.attname::text FROM pg_attribute a WHERE a.attrelid = i.indrelid AND a.attnum = i.indkey[k - 1])
        FROM generate_series(1, i.indnatts::int4) k ORDER BY k),
  array(SELECT CASE WHEN i.indkey[k - 1] = 0 THEN pg_get_indexdef(i.indexrelid, k, true) ELSE '' END
        FROM generate_series(1, i.indnatts::int4) k ORDER BY k),
  array(SELECT CASE WHEN o.opcdefault THEN NULL ELSE o.opcname::text END
        FROM generate_series(1, i.indnkeyatts::int4) k JOIN pg_opclass o ON o.oid = i.indclass[k - 1] ORDER BY k),
  array(SELECT i.indoption[k - 1]::int4 FROM generate_series(1, i.indnkeyatts::int4) k ORDER BY k),
  pg_get_expr(i.indpred, i.indrelid),
  obj_description(i.indexrelid, 'pg_class'),
  i.indisvalid
FROM pg_index i
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_class c ON c.oid = i.indrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_am am ON am.oid = ic.relam
WHERE c.relkind IN ('r','p','m') AND NOT c.relispartition AND n.nspname = ANY($1::text[])
  AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conrelid = i.indrelid AND con.conindid = i.indexrelid
                  AND con.contype IN ('p','u','x'))
  AND ",
    not_extension_member!("pg_class", "c.oid"),
    "
ORDER BY 1, 2, 4"
);

const VIEWS: &str = concat!(
    "SELECT n.nspname::text, c.relname::text, c.relkind = 'm', pg_get_viewdef(c.oid, true),
  coalesce(c.reloptions, '{}')::text[], obj_description(c.oid, 'pg_class'),
  coalesce(deps.schemas, '{}'), coalesce(deps.names, '{}')
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN LATERAL (
  SELECT array_agg(rn.nspname::text ORDER BY rn.nspname, rc.relname) AS schemas,
         array_agg(rc.relname::text ORDER BY rn.nspname, rc.relname) AS names
  FROM (SELECT DISTINCT d.refobjid FROM pg_rewrite r
        JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid AND d.refclassid = 'pg_class'::regclass
        WHERE r.ev_class = c.oid AND d.refobjid <> c.oid) dep
  JOIN pg_class rc ON rc.oid = dep.refobjid
  JOIN pg_namespace rn ON rn.oid = rc.relnamespace
  WHERE rc.relkind IN ('r','p','v','m') AND NOT rc.relispartition
) deps ON true
WHERE c.relkind IN ('v','m') AND n.nspname = ANY($1::text[]) AND ",
    not_extension_member!("pg_class", "c.oid"),
    "
ORDER BY 1, 2"
);

const FUNCTIONS: &str = concat!(
    "SELECT n.nspname::text, p.proname::text, pg_get_function_arguments(p.oid), coalesce(pg_get_function_result(p.oid), ''),
  l.lanname::text, p.prosrc, p.provolatile::text, p.prosecdef, coalesce(p.proconfig, '{}')::text[],
  obj_description(p.oid, 'pg_proc'), p.prokind::text, p.proisstrict, p.proleakproof, p.proparallel::text,
  (to_jsonb(p) ->> 'prosqlbody') IS NOT NULL
FROM pg_proc p
JOIN pg_namespace n ON n.oid = p.pronamespace
JOIN pg_language l ON l.oid = p.prolang
WHERE n.nspname = ANY($1::text[]) AND ",
    not_extension_member!("pg_proc", "p.oid"),
    "
ORDER BY 1, 2, pg_get_function_identity_arguments(p.oid)"
);

const TRIGGERS: &str = "SELECT n.nspname::text, c.relname::text, c.relkind::text, t.tgname::text, t.tgtype::int4,
  array(SELECT a.attname::text FROM unnest(t.tgattr::int2[]) WITH ORDINALITY k(attnum, ord)
        JOIN pg_attribute a ON a.attrelid = t.tgrelid AND a.attnum = k.attnum ORDER BY k.ord),
  fn.nspname::text, f.proname::text, t.tgargs, t.tgnargs::int4, pg_get_triggerdef(t.oid, true), t.tgqual IS NOT NULL,
  obj_description(t.oid, 'pg_trigger'), t.tgconstraint <> 0, t.tgoldtable IS NOT NULL OR t.tgnewtable IS NOT NULL,
  t.tgenabled::text
FROM pg_trigger t
JOIN pg_class c ON c.oid = t.tgrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_proc f ON f.oid = t.tgfoid
JOIN pg_namespace fn ON fn.oid = f.pronamespace
WHERE NOT t.tgisinternal AND t.tgparentid = 0 AND c.relkind IN ('r','p','v','m') AND NOT c.relispartition
  AND n.nspname = ANY($1::text[])
ORDER BY 1, 2, 4";

const POLICIES: &str = "SELECT n.nspname::text, c.relname::text, p.polname::text, p.polcmd::text, p.polpermissive,
  array(SELECT CASE WHEN r.oid = 0 THEN 'public' ELSE pg_get_userbyid(r.oid)::text END FROM unnest(p.polroles) r(oid) ORDER BY 1),
  pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid), obj_description(p.oid, 'pg_policy'),
  c.relispartition
FROM pg_policy p
JOIN pg_class c ON c.oid = p.polrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY($1::text[])
ORDER BY 1, 2, 3";

/// Privileges on the schemas' relations, columns and the schemas themselves.
/// PUBLIC's USAGE on schema `public` is left out: every new database has it
/// (PostgreSQL 15's template), so a declaration, normalised in a new
/// database, always would, and one hardened with `REVOKE USAGE ON SCHEMA
/// public FROM PUBLIC` would never match a declaration, which has no revoke.
const GRANTS: &str = "SELECT 'relation', n.nspname::text, c.relname::text, NULL::text,
  CASE WHEN x.grantee = 0 THEN 'public' ELSE pg_get_userbyid(x.grantee)::text END, x.privilege_type, x.is_grantable
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, aclexplode(c.relacl) x
WHERE c.relacl IS NOT NULL AND n.nspname = ANY($1::text[]) AND c.relkind IN ('r','p','v','m') AND NOT c.relispartition
  AND x.grantee <> c.relowner
UNION ALL
SELECT 'column', n.nspname::text, c.relname::text, a.attname::text,
  CASE WHEN x.grantee = 0 THEN 'public' ELSE pg_get_userbyid(x.grantee)::text END, x.privilege_type, x.is_grantable
FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace, aclexplode(a.attacl) x
WHERE a.attacl IS NOT NULL AND n.nspname = ANY($1::text[]) AND c.relkind IN ('r','p','v','m') AND NOT c.relispartition
  AND a.attnum > 0 AND NOT a.attisdropped AND x.grantee <> c.relowner
UNION ALL
SELECT 'schema', n.nspname::text, '', NULL::text,
  CASE WHEN x.grantee = 0 THEN 'public' ELSE pg_get_userbyid(x.grantee)::text END, x.privilege_type, x.is_grantable
FROM pg_namespace n, aclexplode(n.nspacl) x
WHERE n.nspname = ANY($1::text[]) AND x.grantee <> n.nspowner
  AND NOT (n.nspname = 'public' AND x.grantee = 0 AND x.privilege_type = 'USAGE')
ORDER BY 1, 2, 3, 4, 5, 6";

const DEFAULT_PRIVILEGES: &str = "SELECT pg_get_userbyid(d.defaclrole)::text, n.nspname::text, d.defaclobjtype::text,
  CASE WHEN x.grantee = 0 THEN 'public' ELSE pg_get_userbyid(x.grantee)::text END, x.privilege_type, x.is_grantable
FROM pg_default_acl d LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace, aclexplode(d.defaclacl) x
WHERE n.nspname = ANY($1::text[]) OR d.defaclnamespace = 0
ORDER BY 1, 2, 3, 4, 5";

/// Every catalog query, in the order they run: the count of an introspection.
pub const CATALOG_QUERIES: [(&str, &str); 16] = [
    ("namespaces", NAMESPACES),
    ("extensions", EXTENSIONS),
    ("roles", ROLES),
    ("enums", ENUMS),
    ("domains", DOMAINS),
    ("tables", TABLES),
    ("partitions", PARTITIONS),
    ("columns", COLUMNS),
    ("constraints", CONSTRAINTS),
    ("indexes", INDEXES),
    ("views", VIEWS),
    ("functions", FUNCTIONS),
    ("triggers", TRIGGERS),
    ("policies", POLICIES),
    ("grants", GRANTS),
    ("default privileges", DEFAULT_PRIVILEGES),
];

/// Runs one query, counting it.
fn fetch(tx: &mut Transaction<'_>, count: &mut usize, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<Vec<Row>, postgres::Error> {
    *count += 1;
    tx.query(sql, params)
}

#[allow(clippy::field_reassign_with_default)]
/// Reads every catalog row for `schemas` (and the roles in `roles`): exactly
/// `CATALOG_QUERIES.len()` queries. `count` is increased once per query sent.
pub(crate) fn read_catalog(
    tx: &mut Transaction<'_>,
    schemas: &[String],
    roles: &[String],
    count: &mut usize,
) -> Result<CatalogRows, postgres::Error> {
    let s: &(dyn ToSql + Sync) = &schemas;
    let r: &(dyn ToSql + Sync) = &roles;
    let mut rows = CatalogRows::default();
    rows.namespaces = fetch(tx, count, NAMESPACES, &[s])?.iter().map(|row| row.get(0)).collect();
    rows.extensions = fetch(tx, count, EXTENSIONS, &[s])?
        .iter()
        .map(|row| ExtensionRow { name: row.get(0), schema: row.get(1) })
        .collect();
    rows.roles = fetch(tx, count, ROLES, &[s, r])?
        .iter()
        .map(|row| RoleRow { name: row.get(0), login: row.get(1), member_of: row.get(2), comment: row.get(3) })
        .collect();
    rows.enums = fetch(tx, count, ENUMS, &[s])?
        .iter()
        .map(|row| EnumRow { schema: row.get(0), name: row.get(1), labels: row.get(2), comment: row.get(3) })
        .collect();
    rows.domains = fetch(tx, count, DOMAINS, &[s])?
        .iter()
        .map(|row| DomainRow {
            schema: row.get(0),
            name: row.get(1),
            base: row.get(2),
            not_null: row.get(3),
            default: row.get(4),
            check_names: row.get(5),
            check_exprs: row.get(6),
            comment: row.get(7),
        })
        .collect();
    rows.tables = fetch(tx, count, TABLES, &[s])?
        .iter()
        .map(|row| TableRow {
            schema: row.get(0),
            name: row.get(1),
            rls_enabled: row.get(2),
            rls_forced: row.get(3),
            comment: row.get(4),
            partition_key: row.get(5),
            partition_strategy: row.get(6),
            partition_columns: row.get(7),
            partition_key_unsupported: row.get(8),
            persistence: row.get(9),
            inherits: row.get(10),
        })
        .collect();
    rows.partitions = fetch(tx, count, PARTITIONS, &[s])?
        .iter()
        .map(|row| PartitionRow {
            parent_schema: row.get(0),
            parent: row.get(1),
            schema: row.get(2),
            name: row.get(3),
            bound: row.get(4),
            sub_partitioned: row.get(5),
            rls_enabled: row.get(6),
            rls_forced: row.get(7),
            indexes: row.get(8),
            index_parents: row.get(9),
        })
        .collect();
    rows.columns = fetch(tx, count, COLUMNS, &[s])?
        .iter()
        .map(|row| ColumnRow {
            schema: row.get(0),
            table: row.get(1),
            name: row.get(2),
            ty: row.get(3),
            not_null: row.get(4),
            identity: row.get(5),
            generated: row.get(6),
            default: row.get(7),
            comment: row.get(8),
            owns_sequence: row.get(9),
            collation: row.get(10),
            sequence: row.get::<_, Option<Vec<String>>>(11).and_then(|s| match &s[..] {
                [schema, name] => Some((schema.clone(), name.clone())),
                _ => None,
            }),
            sequence_type: row.get(12),
        })
        .collect();
    rows.constraints = fetch(tx, count, CONSTRAINTS, &[s])?
        .iter()
        .map(|row| ConstraintRow {
            schema: row.get(0),
            table: row.get(1),
            name: row.get(2),
            kind: row.get(3),
            columns: row.get(4),
            ref_schema: row.get(5),
            ref_table: row.get(6),
            ref_columns: row.get(7),
            on_delete: row.get(8),
            on_update: row.get(9),
            match_type: row.get(10),
            deferrable: row.get(11),
            deferred: row.get(12),
            validated: row.get(13),
            check: row.get(14),
            nulls_not_distinct: row.get(15),
            definition: row.get(16),
            no_inherit: row.get(17),
            on_delete_set_columns: row.get(18),
        })
        .collect();
    rows.indexes = fetch(tx, count, INDEXES, &[s])?
        .iter()
        .map(|row| IndexRow {
            schema: row.get(0),
            table: row.get(1),
            table_kind: row.get(2),
            name: row.get(3),
            method: row.get(4),
            unique: row.get(5),
            nulls_not_distinct: row.get(6),
            key_count: row.get(7),
            columns: row.get(8),
            definitions: row.get(9),
            opclasses: row.get(10),
            options: row.get(11),
            predicate: row.get(12),
            comment: row.get(13),
            valid: row.get(14),
        })
        .collect();
    rows.views = fetch(tx, count, VIEWS, &[s])?
        .iter()
        .map(|row| ViewRow {
            schema: row.get(0),
            name: row.get(1),
            materialized: row.get(2),
            query: row.get(3),
            options: row.get(4),
            comment: row.get(5),
            depends_on_schemas: row.get(6),
            depends_on_names: row.get(7),
        })
        .collect();
    rows.functions = fetch(tx, count, FUNCTIONS, &[s])?
        .iter()
        .map(|row| FunctionRow {
            schema: row.get(0),
            name: row.get(1),
            arguments: row.get(2),
            returns: row.get(3),
            language: row.get(4),
            body: row.get(5),
            volatility: row.get(6),
            security_definer: row.get(7),
            config: row.get(8),
            comment: row.get(9),
            kind: row.get(10),
            strict: row.get(11),
            leakproof: row.get(12),
            parallel: row.get(13),
            sql_body: row.get(14),
        })
        .collect();
    rows.triggers = fetch(tx, count, TRIGGERS, &[s])?
        .iter()
        .map(|row| TriggerRow {
            schema: row.get(0),
            table: row.get(1),
            table_kind: row.get(2),
            name: row.get(3),
            tgtype: row.get(4),
            columns: row.get(5),
            function_schema: row.get(6),
            function: row.get(7),
            args: row.get(8),
            nargs: row.get(9),
            definition: row.get(10),
            has_when: row.get(11),
            comment: row.get(12),
            constraint: row.get(13),
            transition_tables: row.get(14),
            enabled: row.get(15),
        })
        .collect();
    rows.policies = fetch(tx, count, POLICIES, &[s])?
        .iter()
        .map(|row| PolicyRow {
            schema: row.get(0),
            table: row.get(1),
            name: row.get(2),
            command: row.get(3),
            permissive: row.get(4),
            roles: row.get(5),
            using: row.get(6),
            with_check: row.get(7),
            comment: row.get(8),
            on_partition: row.get(9),
        })
        .collect();
    rows.grants = fetch(tx, count, GRANTS, &[s])?
        .iter()
        .map(|row| {
            let object: String = row.get(0);
            GrantRow {
                object: match object.as_str() {
                    "relation" => GrantObject::Relation,
                    "column" => GrantObject::Column,
                    _ => GrantObject::Schema,
                },
                schema: row.get(1),
                relation: row.get(2),
                column: row.get(3),
                grantee: row.get(4),
                privilege: row.get(5),
                grantable: row.get(6),
            }
        })
        .collect();
    rows.default_privileges = fetch(tx, count, DEFAULT_PRIVILEGES, &[s])?
        .iter()
        .map(|row| DefaultPrivilegeRow {
            for_role: row.get(0),
            schema: row.get(1),
            object_type: row.get(2),
            grantee: row.get(3),
            privilege: row.get(4),
            grantable: row.get(5),
        })
        .collect();
    Ok(rows)
}
