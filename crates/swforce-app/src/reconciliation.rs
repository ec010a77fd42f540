//! Reproducing the publisher's rates from the stored counts.

use crate::Snapshot;
use std::collections::HashMap;
use swforce_domain::{Dataset, Row};
use swforce_stats::{Finding, Hierarchy, Outcome, reconcile};

impl Snapshot {
    /// How many of `dataset`'s published rates are reproduced from its counts, worked out once
    /// per snapshot (the about page shows it on every visit).
    pub fn reproduced(&self, dataset: Dataset) -> Reproduced {
        if let Some(r) = self
            .reconciled
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&dataset)
        {
            return *r;
        }
        let findings = self.reconcile(dataset);
        let r = Reproduced {
            reproduced: findings
                .iter()
                .filter(|f| f.outcome.reproduced() && f.outcome != Outcome::NoValue)
                .count(),
            with_value: findings
                .iter()
                .filter(|f| f.outcome != Outcome::NoValue)
                .count(),
            any: !findings.is_empty(),
        };
        self.reconciled
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(dataset, r);
        r
    }

    /// Every published rate of `dataset` recomputed from the published counts in use, with
    /// whether it matches to the published precision and why not where it does not.
    pub fn reconcile(&self, dataset: Dataset) -> Vec<Finding> {
        let rows: Vec<Row> = self
            .geographies()
            .flat_map(|g| {
                let mut breakdowns = self.breakdowns(dataset);
                breakdowns.push(String::new());
                breakdowns
                    .into_iter()
                    .flat_map(|b| {
                        self.rows_of(dataset, &g.code, &b)
                            .into_iter()
                            .cloned()
                            .collect::<Vec<_>>()
                    })
                    .collect::<Vec<_>>()
            })
            .collect();
        let levels: HashMap<_, _> = self
            .geographies()
            .map(|g| (g.code.clone(), g.level))
            .collect();
        let hierarchy = Hierarchy::new(self.geographies());
        reconcile(&rows, &levels, &hierarchy)
    }
}

/// A dataset's rates against its counts, in numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reproduced {
    /// Rates recomputed to the published precision.
    pub reproduced: usize,
    /// Rates with a published value.
    pub with_value: usize,
    /// Whether the dataset has any rate that can be recomputed from its own counts.
    pub any: bool,
}
