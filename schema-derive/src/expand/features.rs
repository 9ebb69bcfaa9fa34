//! Tokens for partitioning, triggers, full-text search and isolation policies.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use super::{policy_command, private, private_at};
use crate::ir::{self, Bound, ColumnType, ForEach, ListValue, PartitionStrategy, Period, TriggerEvent, TriggerTiming};

/// `Partitioning::range([...]).monthly(...).values(...).with_default()`.
pub fn partitioning(p: &ir::Partitioning) -> TokenStream {
    let pr = private();
    let cols = &p.columns;
    let mut out = match p.strategy {
        PartitionStrategy::Range => quote!(#pr::model::Partitioning::range([#(#cols),*])),
        PartitionStrategy::List => {
            let col = cols.first().cloned().unwrap_or_default();
            quote!(#pr::model::Partitioning::list(#col))
        }
        PartitionStrategy::Hash => {
            let m = p.modulus.unwrap_or(1);
            quote!(#pr::model::Partitioning::hash([#(#cols),*], #m))
        }
    };
    if let Some(w) = &p.window {
        let (y, m, d) = w.from;
        let count = w.count;
        let method = match w.period {
            Period::Day => quote!(daily),
            Period::Month => quote!(monthly),
            Period::Year => quote!(yearly),
        };
        out = quote!(#out.#method(#pr::civil_date(#y, #m, #d), #count));
        if w.ahead > 0 {
            let ahead = w.ahead;
            out = quote!(#out.ahead(#ahead));
        }
    }
    for part in &p.partitions {
        let name = &part.name;
        match &part.bound {
            Bound::List(values) => {
                let values = values.iter().map(|v| match v {
                    ListValue::Sql(sql) => quote!(#pr::String::from(#sql)),
                    ListValue::Label(label) => quote!(#pr::literal(#label)),
                });
                out = quote!(#out.values(#name, [#(#values),*]));
            }
            Bound::Range { from, to } => {
                out = quote!(#out.partition(#pr::model::Partition::new(
                    #name,
                    #pr::model::PartitionBound::Range { from: #pr::names(&[#(#from),*]), to: #pr::names(&[#(#to),*]) },
                )));
            }
        }
    }
    if p.default_partition {
        out = quote!(#out.with_default());
    }
    out
}

/// `Trigger::new(...)` with its options.
pub fn trigger(t: &ir::Trigger) -> TokenStream {
    let p = private();
    let name = &t.name;
    let timing = match t.timing {
        TriggerTiming::Before => quote!(Before),
        TriggerTiming::After => quote!(After),
        TriggerTiming::InsteadOf => quote!(InsteadOf),
    };
    let events = t.events.iter().map(|(event, columns)| match event {
        TriggerEvent::Insert => quote!(#p::model::TriggerEvent::Insert),
        TriggerEvent::Update => quote!(#p::model::TriggerEvent::Update(#p::names(&[#(#columns),*]))),
        TriggerEvent::Delete => quote!(#p::model::TriggerEvent::Delete),
        TriggerEvent::Truncate => quote!(#p::model::TriggerEvent::Truncate),
    });
    let (schema, function) = &t.function;
    let mut out = quote!(#p::model::Trigger::new(
        #name,
        #p::model::TriggerTiming::#timing,
        [#(#events),*],
        #p::model::QualifiedName::new(#schema, #function),
    ));
    if let Some(when) = &t.when {
        out = quote!(#out.when(#when));
    }
    for a in &t.arguments {
        out = quote!(#out.argument(#a));
    }
    if let Some(c) = &t.comment {
        out = quote!(#out.comment(#c));
    }
    if t.for_each == ForEach::Statement {
        out = quote!(#p::statement_trigger(#out));
    }
    out
}

/// The arguments of `Table::full_text_search`.
pub fn full_text(f: &ir::FullText) -> TokenStream {
    let (column, config) = (&f.column, &f.config);
    let sources = f.sources.iter().map(|(col, weight)| quote!((#col, #weight)));
    quote!(#column, #config, &[#(#sources),*])
}

/// `Policy::isolate_by_setting(...)`, with the column's type as the table has it.
pub fn isolation(i: &ir::Isolation) -> TokenStream {
    let p = private();
    let (name, column, setting) = (&i.name, &i.column, &i.setting);
    let ty = match &i.column_type {
        ColumnType::Rust => {
            let ty = &i.ty;
            let span = ty.span();
            let pt = private_at(span);
            quote_spanned!(span=> <#ty as #pt::PgType>::sql_type())
        }
        ColumnType::Sql { text, .. } => quote!(#p::sql_type(#text)),
    };
    let mut out = quote!(#p::model::Policy::isolate_by_setting(#name, #column, &#ty, #setting));
    if let Some(c) = i.command {
        let c = policy_command(c);
        out = quote!(#out.for_command(#c));
    }
    if i.restrictive {
        out = quote!(#out.restrictive());
    }
    if !i.roles.is_empty() {
        let roles = &i.roles;
        out = quote!(#out.roles([#(#roles),*]));
    }
    if let Some(c) = &i.comment {
        out = quote!(#out.comment(#c));
    }
    out
}
