//! Reproducing the publisher's rates from the stored counts.

use crate::Snapshot;
use std::collections::HashMap;
use swforce_domain::{Dataset, Row};
use swforce_stats::{Finding, Hierarchy, reconcile};

impl Snapshot {
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
