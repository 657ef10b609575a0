//! The symbols listed right now: changed at runtime by the `/sim/` control endpoints (new listings,
//! delistings, halts) so a collector's universe refresh has something to see.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock};

use crate::market::symbols::{SymbolSpec, SymbolStatus};
use crate::market::synth::SymbolModel;

#[derive(Debug, Clone)]
pub struct Listed {
    pub model: Arc<SymbolModel>,
    pub status: SymbolStatus,
}

#[derive(Debug)]
pub struct Universe {
    seed: u64,
    symbols: RwLock<BTreeMap<String, Listed>>,
    /// Bumped on every delisting so connections re-check their streams only when something went away.
    removals: AtomicU64,
}

impl Universe {
    pub fn new(specs: Vec<SymbolSpec>, seed: u64) -> Self {
        let symbols = specs
            .into_iter()
            .map(|s| {
                let status = s.initial_status;
                (
                    s.name.clone(),
                    Listed {
                        model: Arc::new(SymbolModel::new(s, seed)),
                        status,
                    },
                )
            })
            .collect();
        Self {
            seed,
            symbols: RwLock::new(symbols),
            removals: AtomicU64::new(0),
        }
    }

    /// Looks a symbol up by its upper-case name.
    pub fn get(&self, name: &str) -> Option<Listed> {
        self.symbols
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(name)
            .cloned()
    }

    /// Looks a symbol up by the lower-case name used in stream names.
    pub fn get_stream_symbol(&self, lower: &str) -> Option<Listed> {
        if lower.bytes().any(|b| b.is_ascii_uppercase()) {
            return None;
        }
        self.get(&lower.to_ascii_uppercase())
    }

    pub fn list(&self) -> Vec<Listed> {
        self.symbols
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .values()
            .cloned()
            .collect()
    }

    /// Lists a new symbol; false when it is already listed.
    pub fn add(&self, spec: SymbolSpec) -> bool {
        let mut map = self.symbols.write().unwrap_or_else(PoisonError::into_inner);
        if map.contains_key(&spec.name) {
            return false;
        }
        let status = spec.initial_status;
        map.insert(
            spec.name.clone(),
            Listed {
                model: Arc::new(SymbolModel::new(spec, self.seed)),
                status,
            },
        );
        true
    }

    /// Delists a symbol; its streams stop and REST answers "Invalid symbol." from now on.
    pub fn remove(&self, name: &str) -> bool {
        let removed = self
            .symbols
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(name)
            .is_some();
        if removed {
            self.removals.fetch_add(1, Ordering::Relaxed);
        }
        removed
    }

    pub fn set_status(&self, name: &str, status: SymbolStatus) -> bool {
        match self
            .symbols
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .get_mut(name)
        {
            Some(listed) => {
                listed.status = status;
                true
            }
            None => false,
        }
    }

    pub fn removals(&self) -> u64 {
        self.removals.load(Ordering::Relaxed)
    }
}
