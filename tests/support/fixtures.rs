//! The hand-built fixture: a schema built by hand (no derive) with every model
//! feature, shared by `tests/hand_built.rs` (DDL snapshot, applied twice) and
//! `tests/live_roundtrip.rs` (which extends it before the round trip).
//!
//! Included with `#[path = "support/fixtures.rs"] mod fixtures;`.

use pgarchitect::model::*;
use pgarchitect::{Schema, SchemaBuilder, SqlType};

/// The fixture's tables, built but not yet in a schema, so that a test can add
/// columns, constraints, indexes, policies or triggers to one of them before
/// [`HandBuilt::builder`] assembles the schema.
pub struct HandBuilt {
    pub accounts: Table,
    pub invoices: Table,
    pub events: Table,
    pub sessions: Table,
    pub nodes: Table,
    pub peers: Table,
}

impl HandBuilt {
    pub fn new() -> Self {
        let today = CivilDate::new(2026, 1, 1).unwrap();
        HandBuilt {
            accounts: Table::new("accounts")
                .comment("Customer accounts, one per tenant")
                .column(Column::new("id", SqlType::BigInt).identity(Identity::Always))
                .column(Column::new("tenant_id", SqlType::BigInt))
                .column(Column::new("email", SqlType::Named(QualifiedName::public("email_address"))).personal_data())
                .column(Column::new("state", SqlType::Named(QualifiedName::public("account_state"))).default_text("open"))
                .column(Column::new("balance", SqlType::Numeric(Some((12, Some(2))))).default_expr("0"))
                .column(Column::new("tags", SqlType::Text.array()).default_expr("'{}'"))
                .column(Column::new("profile", SqlType::Jsonb).default_expr("'{}'::jsonb"))
                .column(Column::new("first_name", SqlType::Varchar(Some(100))).nullable())
                .column(Column::new("last_name", SqlType::Varchar(Some(100))).nullable())
                .column(
                    Column::new("full_name", SqlType::Text)
                        .nullable()
                        .generated("coalesce(first_name || ' ' || last_name, first_name, last_name)"),
                )
                .column(Column::new("user", SqlType::Text).nullable().comment("A reserved word as a column name"))
                .primary_key(["id"])
                .unique(UniqueConstraint::new(["tenant_id", "email"]).nulls_not_distinct())
                .check(CheckConstraint::on_column("balance", "balance >= 0"))
                .index(Index::on(["tenant_id"]))
                .index(Index::on(["tags"]).using(IndexMethod::Gin))
                .index(Index::with_keys([IndexKey::column("profile").opclass("jsonb_path_ops")]).using(IndexMethod::Gin))
                .index(Index::with_keys([IndexKey::expression("lower(email)")]).unique().where_("state <> 'closed'"))
                .index(Index::with_keys([IndexKey::column("full_name").opclass("gin_trgm_ops")]).using(IndexMethod::Gin))
                .index(Index::with_keys([IndexKey::column("balance").desc().nulls(NullsOrder::Last)]).include(["state"]))
                .index(Index::on(["email"]).using(IndexMethod::Hash))
                .row_level_security(true)
                .policy(Policy::isolate_by_setting("accounts_tenant", "tenant_id", &SqlType::BigInt, "app.tenant_id").roles(["app_readwrite"]))
                .timestamps()
                .audited(),
            invoices: Table::in_schema("billing", "invoices")
                .column(Column::new("id", SqlType::Uuid).default_expr("gen_random_uuid()"))
                .column(Column::new("account_id", SqlType::BigInt))
                .column(Column::new("issued_on", SqlType::Date))
                .column(Column::new("amount", SqlType::Numeric(Some((12, Some(2))))))
                .column(Column::new("period", SqlType::Named(QualifiedName::unqualified("daterange"))).nullable())
                .primary_key(["id", "issued_on"])
                .foreign_key(ForeignKey::new(["account_id"], QualifiedName::public("accounts"), ["id"]).on_delete(ReferentialAction::Restrict))
                .index(Index::on(["account_id"]))
                .index(Index::on(["issued_on"]).using(IndexMethod::Brin))
                .index(Index::on(["account_id"]).named("invoices_account_gist").using(IndexMethod::Gist))
                .partition_by(Partitioning::range(["issued_on"]).monthly(today, 2).ahead(2).with_default())
                .soft_delete(),
            events: Table::new("events")
                .column(Column::new("id", SqlType::BigInt).identity(Identity::ByDefault))
                .column(Column::new("region", SqlType::Text))
                .primary_key(["id", "region"])
                .partition_by(Partitioning::list("region").values("events_eu", ["'eu'"]).values("events_us", ["'us'", "'ca'"]).with_default()),
            sessions: Table::new("sessions")
                .column(Column::new("id", SqlType::BigInt))
                .column(Column::new("node_id", SqlType::BigInt).nullable())
                .primary_key(["id"])
                .partition_by(Partitioning::hash(["id"], 4)),
            // A foreign-key cycle, closed by ALTER TABLE.
            nodes: Table::new("nodes")
                .column(Column::new("id", SqlType::BigInt))
                .column(Column::new("parent_id", SqlType::BigInt).nullable())
                .column(Column::new("peer_id", SqlType::BigInt).nullable())
                .primary_key(["id"])
                .foreign_key(ForeignKey::new(["parent_id"], QualifiedName::public("nodes"), ["id"]).on_delete(ReferentialAction::Cascade))
                .foreign_key(
                    ForeignKey::new(["peer_id"], QualifiedName::public("peers"), ["id"])
                        .on_delete(ReferentialAction::SetNull)
                        .deferrable(Deferrable::InitiallyDeferred),
                ),
            peers: Table::new("peers")
                .column(Column::new("id", SqlType::BigInt))
                .column(Column::new("node_id", SqlType::BigInt))
                .primary_key(["id"])
                .foreign_key(ForeignKey::new(["node_id"], QualifiedName::public("nodes"), ["id"])),
        }
    }

    /// A schema builder with the fixture's namespace, extension, enum, domain,
    /// roles, these tables, its views, grants and default privileges; add more,
    /// set the version and build.
    pub fn builder(self) -> SchemaBuilder {
        Schema::builder()
            .namespace("billing")
            .extension(Extension::new("pgcrypto"))
            .enum_type(EnumType::new("account_state", ["open", "frozen", "closed"]).comment("Lifecycle of an account"))
            .domain(
                Domain::new("email_address", SqlType::Varchar(Some(255)))
                    .check(CheckConstraint::new(r"VALUE ~ '^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$'"))
                    .comment("An e-mail address"),
            )
            .role(Role::group("app_readonly").comment("Read-only access"))
            .role(Role::group("app_readwrite"))
            .role(Role::login("app_user").member_of("app_readwrite"))
            .add_table(self.accounts)
            .add_table(self.invoices)
            .add_table(self.events)
            .add_table(self.sessions)
            .add_table(self.nodes)
            .add_table(self.peers)
            .view(
                View::materialized(
                    QualifiedName::public("account_totals"),
                    "SELECT tenant_id, count(*) AS accounts, sum(balance) AS balance FROM public.accounts GROUP BY tenant_id",
                )
                .depends_on(QualifiedName::public("accounts"))
                .index(Index::on(["tenant_id"]).unique())
                .comment("Per-tenant totals; REFRESH MATERIALIZED VIEW CONCURRENTLY"),
            )
            .view(View::new(QualifiedName::public("open_accounts"), "SELECT id, tenant_id FROM public.accounts WHERE state = 'open'").depends_on(QualifiedName::public("accounts")))
            .grant(Grant::new([Privilege::Select], GrantTarget::AllTablesInSchema("public".into()), ["app_readonly"]))
            .grant(Grant::new([Privilege::Select, Privilege::Insert, Privilege::Update], GrantTarget::Table { table: QualifiedName::public("accounts"), columns: vec![] }, ["app_readwrite"]))
            .grant(Grant::new([Privilege::Usage], GrantTarget::Schema("billing".into()), ["app_readonly"]))
            .default_privileges(DefaultPrivileges::new("public", DefaultObjects::Tables, [Privilege::Select], ["app_readonly"]))
    }
}

/// The hand-built fixture as `tests/hand_built.rs` snapshots it.
pub fn hand_built() -> Schema {
    HandBuilt::new().builder().version("1", "hand-built fixture").build().unwrap_or_else(|e| panic!("{e}"))
}
