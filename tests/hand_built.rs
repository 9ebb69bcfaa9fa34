//! A schema built by hand with every model feature: its DDL is snapshotted and
//! applied to a real PostgreSQL, twice (roles are cluster-wide), and its behaviour
//! checked where it has behaviour.

#[path = "support/fixtures.rs"]
mod fixtures;
mod support;

use pgarchitect::model::*;
use pgarchitect::{Schema, SqlType};

#[test]
fn ddl_snapshot() {
    insta::assert_snapshot!(fixtures::hand_built().to_ddl());
}

#[test]
fn applies_twice_on_one_server() {
    let Some(db) = support::pg::test_db() else { return };
    let ddl = fixtures::hand_built().to_ddl();
    db.apply_psql(&ddl).unwrap_or_else(|e| panic!("{e}"));
    let Some(second) = support::pg::test_db() else { return };
    second.apply_psql(&ddl).unwrap_or_else(|e| panic!("second database: {e}"));
}

/// A domain over another domain whose name sorts after it is created after it.
#[test]
fn domains_over_domains_apply_in_dependency_order() {
    let schema = Schema::builder()
        .domain(Domain::new("a_short_code", SqlType::Named(QualifiedName::public("z_code"))).check(CheckConstraint::new("length(VALUE) <= 4")))
        .domain(Domain::new("z_code", SqlType::Text).check(CheckConstraint::new("VALUE ~ '^[a-z]+$'")))
        .add_table(
            Table::new("things")
                .column(Column::new("id", SqlType::BigInt))
                .column(Column::new("code", SqlType::Named(QualifiedName::public("a_short_code"))))
                .primary_key(["id"]),
        )
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let ddl = schema.to_ddl();
    assert!(ddl.find("CREATE DOMAIN public.z_code").unwrap() < ddl.find("CREATE DOMAIN public.a_short_code").unwrap());
    let Some(db) = support::pg::test_db() else { return };
    db.apply_psql(&ddl).unwrap_or_else(|e| panic!("{e}"));
    let err = db.client().execute("INSERT INTO things VALUES (1, 'abcde')", &[]).unwrap_err();
    assert_eq!(support::pg::sqlstate_of(&err).as_deref(), Some("23514"), "the outer domain's check applies");
    let err = db.client().execute("INSERT INTO things VALUES (1, 'AB')", &[]).unwrap_err();
    assert_eq!(support::pg::sqlstate_of(&err).as_deref(), Some("23514"), "the inner domain's check applies");
}
